"""Two normalisers: ``display_text`` for what people read, ``search_key`` for what we match on.

Both are pure, idempotent and dictionary-free. ``search_key(display_text(s)) == search_key(s)``,
so it does not matter whether a caller stores the raw or the tidied text.

Decisions, per key type:

| input | display_text | search_key |
|---|---|---|
| Arabic ي ى ے, ك, ہ ە | Persian ی, ک, ه | the same |
| ة (teh marbuta), ۀ (heh with hamza) | kept (both are spelling) | ه |
| hamza forms آ أ إ ؤ ئ | kept | ا ا ا و ی (the bare letter) |
| standalone ء | kept | dropped (اجزاء = اجزا) |
| harakat, tanwin, shadda, sukun, superscript alef | kept | dropped |
| kashida (tatweel) | dropped | dropped |
| presentation forms (U+FB50–FDFF, FE70–FEFF) | NFKC per character; ﷼ kept | NFKC (﷼ → ریال) |
| other compatibility characters (ﬁ, ², full-width) | kept | folded by NFKC |
| ZWNJ | one, and only between two letters | dropped: compounds join |
| ZWJ | dropped, except inside emoji sequences | dropped |
| bidi marks and isolates, BOM, soft hyphen | dropped | dropped |
| NBSP and other spaces | one plain space; newlines kept, at most one blank line | separate words |
| ، ؛ ؟ | no space before, one after | separate words |
| digits | Arabic-Indic → Persian; Latin too with ``persian_digits`` (not in mp3) | ASCII |
| ۳٫۵, ۱٬۲۳۴ | kept whole (with ``persian_digits``, 3.5 → ۳٫۵, 1,234 → ۱٬۲۳۴) | 3.5, 1234 |
| Latin letters | kept | case-folded, accents dropped |

The search key also glues the inflection affixes that people write with a ZWNJ, a space or
nothing (می/نمی/بی before a word; ها/های/هایی/تر/ترین after one), so می‌روم, می روم and میروم
share one key. Other compounds (اطلاع‌رسانی) match with a ZWNJ or fused, not with a space.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping

ZWNJ = "\u200c"
ZWJ = "\u200d"
TATWEEL = "\u0640"

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_LATIN_DIGITS = "0123456789"

_BIDI_AND_INVISIBLE = (
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad"
)

# Letters folded in both normalisers: Arabic (and Urdu) shapes of the Persian letters.
_LETTERS = {
    "ي": "ی",
    "ى": "ی",
    "ے": "ی",
    "ۍ": "ی",
    "ې": "ی",
    "ك": "ک",
    "ڪ": "ک",
    "ہ": "ه",
    "ە": "ه",
    "ۂ": "ۀ",
    "ٱ": "ا",
}

# --- display ---------------------------------------------------------------------------------


def _presentation_table() -> dict[int, str]:
    """NFKC of each presentation form, without the space NFKC puts before isolated harakat."""
    table: dict[int, str] = {}
    ranges = (range(0xFB50, 0xFE00), range(0xFE70, 0xFEFF))
    for code in (c for r in ranges for c in r):
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if folded == char or code == 0xFDFC:  # ﷼ is a currency sign people choose to write
            continue
        if folded.startswith(" ") and all(unicodedata.combining(c) for c in folded[1:]):
            folded = folded[1:]
        table[code] = folded
    return table


_DISPLAY_FOLD = _presentation_table()
_DISPLAY_DELETE = str.maketrans(dict.fromkeys(_BIDI_AND_INVISIBLE + TATWEEL))
_DISPLAY_LETTERS = str.maketrans(
    {**_LETTERS, **dict(zip(_ARABIC_DIGITS, _PERSIAN_DIGITS, strict=True))}
)
_TO_PERSIAN_DIGITS = str.maketrans(_LATIN_DIGITS, _PERSIAN_DIGITS)
# A hamza sign typed after the letter instead of the composed letter.
_HAMZA_ABOVE = re.compile("([هی])\u0654")
_HAMZA_COMPOSED = {"ه": "ۀ", "ی": "ئ"}

_ZWJ_RUN = re.compile(f"{ZWJ}+")
_SPACES = re.compile(r"[^\S\n]+")  # every whitespace except the newline, NBSP included
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")
_ZWNJ_RUN = re.compile(f"{ZWNJ}+")
_SPACE_BEFORE = re.compile(r" +(?=[،؛؟»])")
_SPACE_AFTER_GUILLEMET = re.compile(r"(?<=«) +")
_NO_SPACE_AFTER = re.compile(r"(?<=[،؛؟])(?=[^\W\d_])")
_LATIN_DIGIT_RUN = re.compile(r"(?<![A-Za-z0-9])[0-9]+(?![A-Za-z0-9])")
_DECIMAL = re.compile(r"(?<![\d.٫,٬])(\d+)\.(\d+)(?![\d.٫,٬])")
_GROUPED = re.compile(r"(?<![\d.٫,٬])\d{1,3}(?:,\d{3})+(?![\d.٫,٬])")


def _is_letter(char: str) -> bool:
    return unicodedata.category(char)[0] == "L"


def _drop_zwj(text: str) -> str:
    """Drop the zero-width joiner except between two symbols (emoji sequences such as 👩‍💻)."""
    if ZWJ not in text:
        return text

    def keep_in_emoji(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        symbols = {"So", "Sk"}
        emoji_before = before == "\ufe0f" or (before and unicodedata.category(before) in symbols)
        if emoji_before and after and unicodedata.category(after) in symbols:
            return ZWJ
        return ""

    return _ZWJ_RUN.sub(keep_in_emoji, text)


def _tidy_zwnj(text: str) -> str:
    """Keep one ZWNJ only where it separates two letters (a mark may follow the first)."""
    text = _ZWNJ_RUN.sub(ZWNJ, text)
    if ZWNJ not in text:
        return text
    out: list[str] = []
    last = len(text) - 1
    for i, char in enumerate(text):
        if char == ZWNJ:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i < last else ""
            if not (before and after and _is_letter(after)):
                continue
            if not (_is_letter(before) or unicodedata.combining(before)):
                continue
        out.append(char)
    return "".join(out)


def _persian_numbers(text: str) -> str:
    text = _GROUPED.sub(lambda m: m.group().replace(",", "٬"), text)
    text = _DECIMAL.sub(r"\1٫\2", text)
    return _LATIN_DIGIT_RUN.sub(lambda m: m.group().translate(_TO_PERSIAN_DIGITS), text)


def display_text(text: str, *, persian_digits: bool = False) -> str:
    """``text`` tidied for reading: Persian letters, no kashida, clean ZWNJ and spaces.

    Diacritics and hamza forms stay (they are spelling); numbers like ۳٫۵ stay whole. With
    ``persian_digits``, Latin digits become Persian, except inside Latin words (mp3, H2O).
    """
    text = text.translate(_DISPLAY_FOLD)
    text = text.translate(_DISPLAY_DELETE)
    text = _drop_zwj(text)
    text = _LINE_BREAKS.sub("\n", text)
    # ZWNJ before NFC: dropping one can bring marks together that NFC then reorders.
    text = _tidy_zwnj(_SPACES.sub(" ", text))
    # Letters before NFC too: ٱ + madda only composes to آ once ٱ is ا.
    text = unicodedata.normalize("NFC", text.translate(_DISPLAY_LETTERS))
    text = text.translate(_DISPLAY_LETTERS)
    text = _HAMZA_ABOVE.sub(lambda m: _HAMZA_COMPOSED[m.group(1)], text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    text = _SPACE_BEFORE.sub("", text)
    text = _SPACE_AFTER_GUILLEMET.sub("", text)
    text = _NO_SPACE_AFTER.sub(" ", text)
    if persian_digits:
        text = _persian_numbers(text)
    return text


# --- search key ------------------------------------------------------------------------------


def _key_table() -> dict[int, str | None]:
    """Delete marks, format characters, kashida and hamza; fold letters and digits.

    Only the Basic Multilingual Plane is scanned: it holds every Persian and Arabic character,
    and the scan costs milliseconds at import instead of a second.
    """
    table: dict[int, str | None] = {}
    for code in range(0x10000):
        category = unicodedata.category(chr(code))
        if category in {"Mn", "Me", "Cf"}:
            table[code] = None
    for char in TATWEEL + "ء":
        table[ord(char)] = None
    table.update({ord(k): v for k, v in _LETTERS.items()})
    table.update({ord(k): "ه" for k in "ةۀۃ"})
    table.update({ord(a): b for a, b in zip(_PERSIAN_DIGITS, _LATIN_DIGITS, strict=True)})
    table.update({ord(a): b for a, b in zip(_ARABIC_DIGITS, _LATIN_DIGITS, strict=True)})
    return table


_KEY_TABLE = _key_table()


def _char_class(chars: Iterable[str]) -> re.Pattern[str]:
    """A pattern matching any one of ``chars`` (none at all when there are none)."""
    listed = "".join(re.escape(c) for c in sorted(chars))
    return re.compile(f"[{listed}]" if listed else "(?!)")


class _Translation:
    """``str.translate`` by a table, done as the C-speed scans of a pattern and str.replace:
    str.translate looks every character of non-ASCII text up one at a time (ten times slower,
    and it was most of the cost of folding a text). Same result: deletions go first, and a
    replacement whose output holds another input of the table goes after that input's own
    replacement, so no output is replaced again."""

    def __init__(self, table: Mapping[int, str | None]) -> None:
        self.table = table
        self.any = _char_class(chr(code) for code in table)
        self.deleted = _char_class(chr(code) for code, value in table.items() if value is None)
        replaced = [(chr(code), value) for code, value in table.items() if value is not None]
        # Those whose output holds an input of the table last (one level of it is handled).
        self.replaced = sorted(replaced, key=lambda pair: any(ord(c) in table for c in pair[1]))
        late = {old for old, new in replaced if any(ord(c) in table for c in new)}
        self.exact = not any(c in late for _, new in replaced for c in new)

    def __call__(self, text: str) -> str:
        if not self.exact:
            return text.translate(self.table)
        if self.any.search(text) is None:
            return text
        text = self.deleted.sub("", text)
        for old, new in self.replaced:
            if old in text:
                text = text.replace(old, new)
        return text


_fold_presentation = _Translation(_DISPLAY_FOLD)
_fold_keys = _Translation(_KEY_TABLE)
_OTHER_DIGIT = re.compile(r"[^\D0-9]")
# Each pattern opens with the separator itself and looks behind from there: the engine then
# skips to separators at C speed instead of trying a look-behind at every character.
_KEY_GROUPED = re.compile(r"[٬,](?:(?<=\d[٬,])(?=\d{3}(?!\d))|(?<=\d٬)(?=\d))")
_KEY_DECIMAL = re.compile(r"٫(?<=\d٫)(?=\d)")
_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*")
_LOOSE_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")

PREFIXES = frozenset({"می", "نمی", "بی"})
SUFFIXES = frozenset({"ها", "های", "هایی", "تر", "ترین"})
_AFFIXES = PREFIXES | SUFFIXES


def _ascii_digits(match: re.Match[str]) -> str:
    char = match.group()
    value = unicodedata.decimal(char, None)
    return char if value is None else str(value)


def _is_word(token: str) -> bool:
    return token.isalpha()


def _glue_affixes(words: list[str]) -> list[str]:
    """Join the inflection affixes that people write apart, fused or with a ZWNJ."""
    out: list[str] = []
    pending = ""
    done = 0  # words[:done] are in out
    end = len(words)
    # Only affixes and the word after a prefix change anything: the runs of other words between
    # them are copied whole, not stepped through word by word.
    affixes = itertools.compress(itertools.count(), map(_AFFIXES.__contains__, words))
    for index in [*affixes, end]:
        if pending and done < index:
            first = words[done]
            done += 1
            if _is_word(first):
                out.append(pending + first)
            else:
                out += (pending, first)
            pending = ""
        out += words[done:index]
        if index == end:
            break
        word = words[index]
        done = index + 1
        if pending:
            if _is_word(word):
                word = pending + word
            else:
                out.append(pending)
            pending = ""
        elif out and word in SUFFIXES and _is_word(out[-1]):
            out[-1] += word
            continue
        if word in PREFIXES:
            pending = word
            continue
        out.append(word)
    if pending:
        out.append(pending)
    return out


def _folded(text: str) -> str:
    """``text`` with every character folded for matching; whitespace stays whitespace."""
    # Presentation forms first, as display_text folds them (no space before isolated harakat).
    text = unicodedata.normalize("NFKD", _fold_presentation(text))
    text = unicodedata.normalize("NFKD", text.casefold())
    text = _fold_keys(text)
    text = _OTHER_DIGIT.sub(_ascii_digits, text) if not text.isascii() else text
    text = _KEY_GROUPED.sub("", text)
    return _KEY_DECIMAL.sub(".", text)


def _split_words(folded: str) -> list[str]:
    words: list[str] = []
    for word in _WORD.findall(folded):
        if "." in word:
            words.extend(w for w in _LOOSE_DOT.split(word) if w)
        else:
            words.append(word)
    return words


def _unglued_words(text: str) -> list[str]:
    """The words of ``text`` folded for matching, before the affixes are glued and before NFC."""
    return _split_words(_folded(text))


# Folded words per whitespace-separated chunk of text. Every step of _unglued_words keeps
# whitespace as whitespace and never matches across it, so a text's words are its chunks' words
# in order; news text repeats its chunks (Zipf), and the cache skips most of the work.
_CHUNK_WORDS: dict[str, tuple[str, ...]] = {}
CHUNK_CACHE_SIZE = 100_000
_CACHED_CHUNK_LENGTH = 40


def _words(text: str) -> list[str]:
    """The folded words of ``text``: its chunks' words in order (the unseen chunks folded
    together)."""
    return list(itertools.chain.from_iterable(_chunk_words_many(text.split())))


# Keys of the texts folded last: one news item's title, lead and body are folded for its
# fingerprint and its watch-lists as it arrives, and for its index document when the search
# backlog is flushed after the batch of polls (a thousand items and more): the memory is
# measured in characters of text, enough for such a batch, and starts again when full.
_RECENT_KEYS: dict[str, str] = {}
RECENT_KEYS_CHARACTERS = 4_000_000  # some 16 MB with the keys
_RECENT_MIN_LENGTH = 64  # shorter texts are cheap, and their chunks are cached anyway
_recent_characters = 0


def _remember(text: str, key: str) -> None:
    global _recent_characters  # noqa: PLW0603 (the memory's running size, beside it)
    if _recent_characters + len(text) > RECENT_KEYS_CHARACTERS:
        _RECENT_KEYS.clear()
        _recent_characters = 0
    _RECENT_KEYS[text] = key
    _recent_characters += len(text)


def _chunk_words_many(chunks: list[str]) -> list[tuple[str, ...]]:
    """``_words`` of each chunk (no whitespace in any), the uncached ones folded together."""
    cache = _CHUNK_WORDS
    # Looked up by map (at C speed): a text's chunks are nearly all cached.
    found: list[tuple[str, ...] | None] = list(map(cache.get, chunks))
    if None not in found:
        return found  # type: ignore[return-value]
    missing = [chunk for chunk, words in zip(chunks, found, strict=True) if words is None]
    # One pass of each folding step over all of them: whitespace stays whitespace and no step
    # matches across it, so the folded text splits back at the newlines.
    joined = _folded("\n".join(missing))
    pieces = joined.split("\n")
    if len(pieces) != len(missing):  # not expected; stay correct whatever the input
        pieces = [_folded(chunk) for chunk in missing]
        joined = "\n".join(pieces)
    # The common case, at C speed: a chunk folded to one run of letters and digits (what
    # str.isalnum tells: the pattern's [^\W_]) is that one word.
    new = [(piece,) if piece.isalnum() else tuple(_split_words(piece)) for piece in pieces]
    if len(cache) + len(missing) > CHUNK_CACHE_SIZE:
        cache.clear()  # cheaper than LRU bookkeeping; the common chunks return fast
    short = (
        pair for pair in zip(missing, new, strict=True) if len(pair[0]) <= _CACHED_CHUNK_LENGTH
    )
    cache.update(itertools.islice(short, max(0, CHUNK_CACHE_SIZE - len(cache))))
    fresh = iter(new)
    return [next(fresh) if words is None else words for words in found]


def word_keys(words: list[str]) -> list[str]:
    """``search_key`` of each of ``words`` (each without whitespace), folded together: the
    highlighter folds the hundreds of words it has not seen before in one go."""
    if len(" ".join(words).split()) != len(words):  # some word empty or holding whitespace
        return [search_key(word) for word in words]
    keys = [
        parts[0] if len(parts) == 1 else " ".join(_glue_affixes(list(parts)))
        for parts in _chunk_words_many(words)
    ]
    joined = "\n".join(keys)
    if joined.isascii():
        return keys
    normal = unicodedata.normalize("NFC", joined).split("\n")
    return normal if len(normal) == len(keys) else [search_key(word) for word in words]


def search_key(text: str) -> str:
    """``text`` folded for matching: lower-case words and numbers separated by single spaces.

    Every letter, digit, diacritic, kashida and ZWNJ variant of a word has the same key, so the
    same function serves the index and the query.
    """
    key = _RECENT_KEYS.get(text)
    if key is not None:
        return key
    words = _words(text)
    if not _AFFIXES.isdisjoint(words):
        words = _glue_affixes(words)
    key = unicodedata.normalize("NFC", " ".join(words))
    if len(text) >= _RECENT_MIN_LENGTH:
        _remember(text, key)
    return key

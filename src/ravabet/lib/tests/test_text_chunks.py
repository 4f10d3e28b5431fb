"""The search key is folded chunk by chunk (text between whitespace) through a cache: it must
equal the fold of the whole text, whatever the whitespace and whatever the cache holds."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from ravabet.lib.text import normalise, search_key, tokens
from ravabet.lib.text.normalise import PREFIXES, SUFFIXES

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "ravabet-hypothesis")

# Every whitespace character Python splits on, and characters whose folds bring in spaces
# (ligatures such as ﷺ, spacing accents) or join across them (digit separators, dots).
WHITESPACE = [chr(c) for c in range(0x3001) if chr(c).isspace()]
_PIECES = [
    *WHITESPACE,
    *"ابپتثجچحخدسشعغفقکگلمنوهیيكىةۀأإؤئءآ‌‍ـ،؛؟«».,:!/-_",
    *"0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬",
    *"aZéßİΣς\u064b\u064e\u0651\u0652\u0670\u0653\u0654\u0301\u0345",
    *"\ufb8e\ufbfc\ufefb\ufe70\ufe71\ufcf2\ufdf2\ufdfc\ufdfa\ufb01\u00b2´¨˘가\u1100\u1161\u11a8",
    *"\u200b\ufeff\u180e\u200e",
    *PREFIXES,
    *SUFFIXES,
    "1,234",
    "۱٬۲۳۴",
    "3.5",
    "کتاب",
]
texts = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


def whole_text_key(text: str) -> str:
    """The fold of the whole text in one pass, without chunks or cache."""
    words = normalise._unglued_words(text)
    return unicodedata.normalize("NFC", " ".join(normalise._glue_affixes(words)))


def glued_one_by_one(words: list[str]) -> list[str]:
    """The affix rule stepped word by word, as first written."""
    out: list[str] = []
    pending = ""
    for next_word in words:
        word = next_word
        if pending:
            if word.isalpha():
                word = pending + word
            else:
                out.append(pending)
            pending = ""
        elif out and word in SUFFIXES and out[-1].isalpha():
            out[-1] += word
            continue
        if word in PREFIXES:
            pending = word
            continue
        out.append(word)
    if pending:
        out.append(pending)
    return out


@pytest.fixture
def small_cache(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, ...]]:
    cache: dict[str, tuple[str, ...]] = {}
    monkeypatch.setattr(normalise, "_CHUNK_WORDS", cache)
    monkeypatch.setattr(normalise, "CHUNK_CACHE_SIZE", 8)
    return cache


@settings(max_examples=500, deadline=None, database=None)
@given(texts)
def test_the_key_folded_chunk_by_chunk_equals_the_fold_of_the_whole_text(text: str) -> None:
    expected = whole_text_key(text)
    assert search_key(text) == expected
    # A second time the whole text's key is remembered; a third time, forgotten, its chunks
    # come from their cache.
    assert search_key(text) == expected
    normalise._RECENT_KEYS.clear()
    assert search_key(text) == expected
    assert tokens(text) == (expected.split(" ") if expected else [])


def test_a_long_text_is_folded_once_until_the_memory_of_recent_texts_fills(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(normalise, "_RECENT_KEYS", {})
    monkeypatch.setattr(normalise, "_recent_characters", 0)
    texts = [f"استانداري تهران، خبر شماره {n} " * 4 for n in range(5)]
    monkeypatch.setattr(normalise, "RECENT_KEYS_CHARACTERS", 3 * len(texts[0]))
    keys = [search_key(text) for text in texts]
    assert keys == [whole_text_key(text) for text in texts]
    # Never more characters kept than the memory holds; the newest text is always there.
    assert 0 < sum(map(len, normalise._RECENT_KEYS)) <= 3 * len(texts[0])
    assert normalise._RECENT_KEYS[texts[-1]] == keys[-1]
    assert normalise._recent_characters == sum(map(len, normalise._RECENT_KEYS))
    # A short text is not kept: its chunks are cached already.
    search_key("تهران")
    assert "تهران" not in normalise._RECENT_KEYS


@settings(max_examples=500, deadline=None, database=None)
@given(st.lists(st.sampled_from([*PREFIXES, *SUFFIXES, "کتاب", "رو", "3", "a.b", "x1"])))
def test_affixes_glue_as_they_did_word_by_word(words: list[str]) -> None:
    assert normalise._glue_affixes(list(words)) == glued_one_by_one(list(words))


def test_a_full_cache_is_emptied_and_keys_stay_right(
    small_cache: dict[str, tuple[str, ...]],
) -> None:
    text = " ".join(f"واژه{n}" for n in range(20))
    assert search_key(text) == whole_text_key(text)
    assert 0 < len(small_cache) <= 8
    assert search_key(text) == whole_text_key(text)


def test_a_long_chunk_is_folded_but_not_kept(small_cache: dict[str, tuple[str, ...]]) -> None:
    pasted = "ي" * 500
    assert search_key(pasted) == "ی" * 500
    assert pasted not in small_cache


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=12))
def test_words_folded_together_get_the_keys_they_get_one_at_a_time(pieces: list[str]) -> None:
    words = [word for piece in pieces for word in piece.split()]
    normalise._CHUNK_WORDS.clear()  # the batch folds every word itself
    together = normalise.word_keys(words)
    normalise._CHUNK_WORDS.clear()
    assert together == [whole_text_key(word) for word in words]
    # Words holding whitespace (or none at all) are folded one by one, with the same keys.
    assert normalise.word_keys([*pieces, ""]) == [search_key(p) for p in [*pieces, ""]]


_TABLE_CHARS = sorted(
    {chr(c) for c in normalise._KEY_TABLE} | {chr(c) for c in normalise._DISPLAY_FOLD}
)


@settings(max_examples=500, deadline=None, database=None)
@given(st.lists(st.sampled_from([*_TABLE_CHARS, "a", " ", "ب", "1"]), max_size=40).map("".join))
def test_folding_by_scans_and_replacements_is_str_translate(text: str) -> None:
    assert normalise._fold_keys(text) == text.translate(normalise._KEY_TABLE)
    assert normalise._fold_presentation(text) == text.translate(normalise._DISPLAY_FOLD)


@settings(max_examples=500, deadline=None, database=None)
@given(st.lists(st.sampled_from(list("12۱۲٣٬,٫.a ")), max_size=16).map("".join))
def test_separator_patterns_match_what_the_look_behind_first_ones_did(text: str) -> None:
    import re

    grouped = re.compile(r"(?<=\d)[٬,](?=\d{3}(?!\d))|(?<=\d)٬(?=\d)")
    decimal = re.compile(r"(?<=\d)٫(?=\d)")
    assert normalise._KEY_GROUPED.sub("", text) == grouped.sub("", text)
    assert normalise._KEY_DECIMAL.sub(".", text) == decimal.sub(".", text)

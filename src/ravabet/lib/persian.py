"""Display helpers for Persian text: digits both ways, grouped numbers and bidi isolation.

Pure functions with no Django: templates reach them through ``core/templatetags/persian.py``.
"""

from __future__ import annotations

from decimal import Decimal

_LATIN = "0123456789"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_TO_PERSIAN = str.maketrans(_LATIN + _ARABIC_INDIC, _PERSIAN * 2)
_TO_LATIN = str.maketrans(_PERSIAN + _ARABIC_INDIC, _LATIN * 2)

# Unicode isolates: a number, date or Latin word wrapped in FSI…PDI keeps its own direction and
# cannot reorder the Persian around it (nor be reordered by it).
FSI = "\u2068"
LRI = "\u2066"
RLI = "\u2067"
PDI = "\u2069"
LRM = "\u200e"
RLM = "\u200f"
ZWNJ = "\u200c"

# Invisible direction marks that pasted text often carries; they never belong in a parsed value.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_STRIP_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS | {"\ufeff"}))

THOUSANDS_SEPARATOR = "٬"  # U+066C ARABIC THOUSANDS SEPARATOR
DECIMAL_SEPARATOR = "٫"  # U+066B ARABIC DECIMAL SEPARATOR


def to_persian_digits(text: object) -> str:
    """``text`` with Latin and Arabic-Indic digits shown as Persian digits."""
    return str(text).translate(_TO_PERSIAN)


def to_latin_digits(text: str) -> str:
    """``text`` with Persian and Arabic-Indic digits as Latin digits (for parsing input)."""
    return text.translate(_TO_LATIN)


def strip_bidi_controls(text: str) -> str:
    """``text`` without invisible direction marks and isolates (for parsing pasted input)."""
    return text.translate(_STRIP_BIDI)


def format_number(
    value: int | float | Decimal, *, persian: bool = True, decimals: int | None = None
) -> str:
    """A number grouped by thousands; with ``persian``, Persian digits and separators (٬ ٫).

    A Persian negative number starts with a left-to-right mark, so the minus sign stays on the
    number's left inside right-to-left text instead of drifting to its right.
    """
    text = f"{value:,.{decimals}f}" if decimals is not None else f"{value:,}"
    if not persian:
        return text
    text = text.replace(",", THOUSANDS_SEPARATOR).replace(".", DECIMAL_SEPARATOR)
    if text.startswith("-"):
        text = LRM + text
    return to_persian_digits(text)


def isolate(text: object, *, ltr: bool = False, rtl: bool = False) -> str:
    """``text`` in a first-strong isolate (or a left-to-right / right-to-left one).

    For plain text (messages, e-mails, SMS, PDFs); in HTML use ``<bdi>`` through the ``bdi`` and
    ``ltr`` template filters.
    """
    opener = LRI if ltr else RLI if rtl else FSI
    return f"{opener}{text}{PDI}"


# The Persian alphabet in dictionary order; Arabic letter forms sort with their Persian twin.
_ALPHABET = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_TWINS = str.maketrans(
    {"ك": "ک", "ي": "ی", "ى": "ی", "ئ": "ی", "ة": "ه", "ۀ": "ه", "ؤ": "و", "أ": "ا", "إ": "ا"}
)


def sort_key(text: str) -> tuple[tuple[int, int], ...]:
    """A key that orders Persian text as a dictionary does (پ after ب, گ after ک, ی last),
    ignoring half-spaces: spaces, digits and punctuation first, then the letters."""
    key = []
    for char in text.translate(_TWINS).replace(ZWNJ, "").casefold():
        rank = _RANK.get(char)
        if rank is not None:
            key.append((1, rank))
        elif char.isdecimal():
            key.append((0, ord("0") + int(char)))
        else:
            key.append((0 if char < "\u0600" else 2, ord(char)))
    return tuple(key)

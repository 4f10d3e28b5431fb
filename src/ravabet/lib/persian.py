"""Display helpers for Persian text: digits and bidirectional isolation."""

from __future__ import annotations

_LATIN = "0123456789"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_TO_PERSIAN = str.maketrans(_LATIN + _ARABIC_INDIC, _PERSIAN * 2)
_TO_LATIN = str.maketrans(_PERSIAN + _ARABIC_INDIC, _LATIN * 2)

# Unicode isolates: a number, date or Latin word wrapped in FSI…PDI keeps its own direction and
# cannot reorder the Persian around it.
FSI = "\u2068"
LRI = "\u2066"
PDI = "\u2069"


def to_persian_digits(text: object) -> str:
    """``text`` with Latin and Arabic-Indic digits shown as Persian digits."""
    return str(text).translate(_TO_PERSIAN)


def to_latin_digits(text: str) -> str:
    """``text`` with Persian and Arabic-Indic digits as Latin digits (for parsing input)."""
    return text.translate(_TO_LATIN)


def format_number(value: int | float, *, persian: bool = True, decimals: int | None = None) -> str:
    """A number grouped by thousands with the Persian separators (٬ and ٫) when ``persian``."""
    text = f"{value:,.{decimals}f}" if decimals is not None else f"{value:,}"
    if not persian:
        return text
    return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))


def isolate(text: object, *, ltr: bool = False) -> str:
    """``text`` wrapped in a first-strong (or left-to-right) isolate."""
    return f"{LRI if ltr else FSI}{text}{PDI}"

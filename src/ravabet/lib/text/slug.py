"""Persian slugs: readable words in Persian letters, Latin digits, hyphens between."""

from __future__ import annotations

import re
import unicodedata

from ravabet.lib.persian import to_latin_digits
from ravabet.lib.text.normalise import display_text

_NOT_SLUG = re.compile(r"[\W_]+")


def persian_slug(text: str, *, max_length: int = 80) -> str:
    """A URL-safe slug: «نشست شورای اطلاع‌رسانی ۱۴۰۵» → «نشست-شورای-اطلاع-رسانی-1405».

    Letters are unified as in ``display_text`` and keep their hamza; diacritics go; a ZWNJ
    becomes a hyphen like a space. Valid for Django's ``SlugField(allow_unicode=True)``; cut
    at a hyphen to ``max_length`` characters.
    """
    text = display_text(unicodedata.normalize("NFKC", text)).lower()
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = to_latin_digits(unicodedata.normalize("NFC", text))
    slug = _NOT_SLUG.sub("-", text).strip("-")
    if len(slug) > max_length:
        slug = (
            slug[: max_length + 1].rsplit("-", 1)[0]
            if "-" in slug[:max_length]
            else slug[:max_length]
        )
    return slug.strip("-")

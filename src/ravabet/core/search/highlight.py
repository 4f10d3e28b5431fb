"""Highlighted snippets of the original text: each word whose normalised terms match the query
is wrapped in ``<mark>``; everything else is escaped."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ravabet.core.search.query import Term
from ravabet.core.search.text import search_tokens

SNIPPET_CHARS = 200
# Context kept before the first highlighted word.
LEAD_CHARS = 60
_WORD = re.compile(r"[^\s\"'«»“”()\[\]{}<>،؛؟!?,;:]+")


def _matcher(terms: Sequence[Term]) -> Callable[[str], bool]:
    """Whether a word of the text matches one of ``terms``; each distinct word is folded once."""
    exact = frozenset(term.text for term in terms)
    prefixes = tuple(term.text for term in terms if term.prefix)
    seen: dict[str, bool] = {}

    def matches(word: str) -> bool:
        found = seen.get(word)
        if found is None:
            found = seen[word] = any(
                token in exact or token.startswith(prefixes) for token in search_tokens(word)
            )
        return found

    return matches


def highlight(text: str, terms: Sequence[Term], *, max_chars: int | None = None) -> SafeString:
    """``text`` escaped, matching words marked; cut to about ``max_chars`` around the first
    match (with an ellipsis where it is cut) when ``max_chars`` is given."""
    matches = _matcher(terms)
    words = _WORD.finditer(text) if terms else iter(())
    spans: list[tuple[int, int]] = []
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        # Only the words up to the first match and those inside the cut are looked at.
        first = next((m for m in words if matches(m.group())), None)
        lead = first.start() if first else 0
        start = max(0, lead - LEAD_CHARS)
        if start:
            # Begin at a word boundary.
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < lead else start
        end = min(len(text), start + max_chars)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        if first is not None:
            spans.append(first.span())
            for m in words:
                if m.start() >= end:
                    break
                if matches(m.group()):
                    spans.append(m.span())
    else:
        spans = [m.span() for m in words if matches(m.group())]
    parts: list[str] = ["…"] if start else []
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text is escaped above)

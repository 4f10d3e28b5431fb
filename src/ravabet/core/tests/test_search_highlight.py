"""Snippets fold only the words they need (up to the first match, then inside the cut) and each
distinct word once: the marked text must be what marking every word gives."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from ravabet.core.search import highlight as highlighting
from ravabet.core.search.highlight import _WORD, LEAD_CHARS, highlight
from ravabet.core.search.query import Term
from ravabet.core.search.text import search_tokens

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "ravabet-hypothesis")


def every_word_marked(text: str, terms: Sequence[Term], max_chars: int | None) -> str:
    """The snippet rule applied to every word of the text, as first written."""

    def matches(word: str) -> bool:
        return any(
            token == term.text or (term.prefix and token.startswith(term.text))
            for token in search_tokens(word)
            for term in terms
        )

    spans = [m.span() for m in _WORD.finditer(text) if terms and matches(m.group())]
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        first = spans[0][0] if spans else 0
        start = max(0, first - LEAD_CHARS)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + max_chars)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    parts = ["…"] if start else []
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts += [
            escape(text[cursor:span_start]),
            f"<mark>{escape(text[span_start:span_end])}</mark>",
        ]
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts)


WORDS = ["استان", "استانداری", "تهران", "سيل", "سیل", "کمک", "و", "در", "<b>", "«خبر»", "۱۴۰۵"]
texts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", "، ", "\n", "  ", ""])), max_size=80
).map(lambda pieces: "".join(word + gap for word, gap in pieces))
terms = st.lists(
    st.builds(Term, st.sampled_from(["استان", "سیل", "تهر", "1405", "نیست"]), st.booleans()),
    max_size=3,
)


@settings(max_examples=400, deadline=None, database=None)
@given(texts, terms, st.sampled_from([None, 20, 80, 200]))
def test_snippets_mark_what_marking_every_word_marks(
    text: str, chosen: list[Term], max_chars: int | None
) -> None:
    assert str(highlight(text, chosen, max_chars=max_chars)) == every_word_marked(
        text, chosen, max_chars
    )


@settings(max_examples=400, deadline=None, database=None)
@given(texts, terms, st.sampled_from([20, 80]), st.sampled_from([1, 7, 30]))
def test_looking_for_the_first_match_piece_by_piece_finds_the_same(
    text: str, chosen: list[Term], max_chars: int, piece: int
) -> None:
    # Long articles are searched for their first match a piece at a time; with tiny pieces
    # every word sits at or across a piece's edge somewhere.
    with mock.patch.object(highlighting, "SCAN_CHARS", piece):
        assert str(highlight(text, chosen, max_chars=max_chars)) == every_word_marked(
            text, chosen, max_chars
        )


def test_a_match_far_into_a_long_text_is_cut_around() -> None:
    text = "کمک " * 100 + "سیل تهران " + "کمک " * 100
    snippet = str(highlight(text, [Term("سیل")], max_chars=80))
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "<mark>سیل</mark>" in snippet
    assert len(snippet) < 120


def test_every_match_up_to_the_end_of_the_cut_is_marked() -> None:
    for text in ("کمک " * 30 + "سیل " * 60, "کمک " * 30 + "سیل، " * 60):
        for max_chars in (80, 200, 400):
            expected = every_word_marked(text, [Term("سیل")], max_chars)
            assert str(highlight(text, [Term("سیل")], max_chars=max_chars)) == expected
            assert expected.count("<mark>") > 3

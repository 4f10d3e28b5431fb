"""Index terms: the whole-key checks of ``search_tokens`` keep exactly the tokens a check per
token keeps, and word pairs never span two fields."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from ravabet.core.search.text import (
    FIELD_SEPARATOR,
    MAX_TERM_LENGTH,
    _is_term,
    common_pairs,
    search_tokens,
    word_pairs,
)
from ravabet.lib.text import tokens

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "ravabet-hypothesis")

_PIECES = [
    "استان",
    "تهران",
    "ي",
    "|",
    " ",
    "\t",
    "\n",
    "\u00a0",
    "\x1f",
    "\ue000",
    "3.5",
    "a" * (MAX_TERM_LENGTH - 1),
    "b" * MAX_TERM_LENGTH,
    "c" * (MAX_TERM_LENGTH + 1),
    "ک" * (MAX_TERM_LENGTH + 3),
]
texts = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=400, deadline=None, database=None)
@given(texts)
def test_search_tokens_keep_what_a_check_of_each_token_keeps(text: str) -> None:
    assert search_tokens(text) == [t for t in tokens(text) if _is_term(t)]


def test_words_longer_than_the_limit_are_left_out() -> None:
    long_word = "ک" * (MAX_TERM_LENGTH + 1)
    assert search_tokens(f"استان {long_word} تهران") == ["استان", "تهران"]


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(st.sampled_from(["الف", "ب", "ج", FIELD_SEPARATOR]), max_size=10))
def test_word_pairs_join_neighbours_within_one_field_only(terms: list[str]) -> None:
    expected = [
        f"{first}{FIELD_SEPARATOR}{second}"
        for first, second in itertools.pairwise(terms)
        if FIELD_SEPARATOR not in (first, second)
    ]
    assert word_pairs(terms) == expected
    assert word_pairs(tuple(terms)) == expected


def test_words_folded_together_give_the_terms_each_gives_alone() -> None:
    from ravabet.core.search.text import search_tokens, word_tokens
    from ravabet.lib.text import normalise

    words = [
        "استانداري",
        "پروژه‌های",
        "۱۲۰",
        "3.5",
        "می‌رود",
        "کتاب-ها",
        "a|b",
        "ﷺ",
        "\u064b",
        "x" * 70,
        "Ⅻ",
        "ها",
        "كتاب",
    ]
    alone = [search_tokens(word) for word in words]
    normalise._CHUNK_WORDS.clear()
    assert word_tokens(words) == alone
    assert word_tokens(words[:3]) == alone[:3]  # every one of them the common case


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(st.sampled_from(["در", "این", "استان", "تهران", FIELD_SEPARATOR]), max_size=10))
def test_common_pairs_are_the_word_pairs_holding_a_stopword(terms: list[str]) -> None:
    expected = [
        pair for pair in word_pairs(terms) if {"در", "این"} & set(pair.split(FIELD_SEPARATOR))
    ]
    assert common_pairs(terms) == expected

"""The search language: words, phrases, exclusions, OR and prefixes, Persian input, and input
that is malformed but must never raise."""

from __future__ import annotations

import random

import pytest

from ravabet.core.search.query import (
    MAX_CLAUSES,
    Or,
    Phrase,
    Query,
    Term,
    parse_query,
)
from ravabet.core.search.text import search_tokens


def either(word: str, joined: str) -> Or:
    """A word typed next to another: itself, or the compound the two may be written as."""
    return Or((Term(word), Term(joined)))


def test_words_are_all_required() -> None:
    assert parse_query("نشست شورا") == Query(
        include=(either("نشست", "نشستشورا"), either("شورا", "نشستشورا"))
    )


def test_a_word_between_two_others_may_join_either_neighbour() -> None:
    assert parse_query("ستاد بحران استان").include[1] == Or(
        (Term("بحران"), Term("ستادبحران"), Term("بحراناستان"))
    )


def test_words_typed_apart_also_match_their_compound_with_a_half_space() -> None:
    assert parse_query("میراث فرهنگی").include == (
        either("میراث", "میراثفرهنگی"),
        either("فرهنگی", "میراثفرهنگی"),
    )


def test_a_word_with_a_half_space_also_matches_its_parts_typed_apart() -> None:
    assert parse_query("میراث\u200cفرهنگی") == Query(
        include=(Or((Term("میراثفرهنگی"), Phrase(("میراث", "فرهنگی")))),)
    )


def test_two_stopwords_or_numbers_are_never_joined() -> None:
    assert parse_query("در این").include == (Term("در"), Term("این"))
    assert parse_query("سال ۱۴۰۵").include == (Term("سال"), Term("1405"))


def test_a_quoted_phrase_is_one_clause() -> None:
    assert parse_query('"شورای اطلاع رسانی" تهران') == Query(
        include=(
            Or(
                (
                    Phrase(("شورای", "اطلاع", "رسانی")),
                    Phrase(("شورای", "اطلاعرسانی")),
                    Phrase(("شورایاطلاع", "رسانی")),
                    Term("شورایاطلاعرسانی"),
                )
            ),
            Term("تهران"),
        )
    )


def test_persian_guillemets_quote_a_phrase_too() -> None:
    assert parse_query("«روز ملی»") == parse_query('"روز ملی"')
    assert parse_query("«روز ملی»") == Query(
        include=(Or((Phrase(("روز", "ملی")), Term("روزملی"))),)
    )


def test_a_minus_excludes_a_word_or_a_phrase() -> None:
    assert parse_query('خبر -ورزش -"جام جهانی"') == Query(
        include=(Term("خبر"),),
        exclude=(Term("ورزش"), Or((Phrase(("جام", "جهانی")), Term("جامجهانی")))),
    )


def test_or_joins_neighbours_and_binds_tighter_than_and() -> None:
    assert parse_query("سیل OR زلزله تهران") == Query(
        include=(Or((Term("سیل"), Term("زلزله"))), Term("تهران"))
    )


def test_a_bar_is_or_too_and_a_chain_of_ors_is_one_group() -> None:
    assert parse_query("الف | ب OR پ") == Query(include=(Or((Term("الف"), Term("ب"), Term("پ"))),))


def test_a_minus_before_an_or_group_excludes_the_whole_group() -> None:
    assert parse_query("خبر -سیل OR زلزله") == Query(
        include=(Term("خبر"),), exclude=(Or((Term("سیل"), Term("زلزله"))),)
    )


def test_a_trailing_star_makes_a_prefix() -> None:
    assert parse_query("آموز*") == Query(include=(Term("اموز", prefix=True),))


def test_a_one_letter_prefix_is_an_ordinary_word() -> None:
    assert parse_query("م*") == Query(include=(Term("م"),))


def test_a_star_inside_quotes_is_not_a_prefix() -> None:
    assert parse_query('"خبر*"') == Query(include=(Term("خبر"),))


def test_arabic_letters_and_digits_parse_to_the_same_terms_as_persian_ones() -> None:
    assert parse_query("كميته ۱۴۰۵") == parse_query("کمیته 1405")
    assert parse_query("كميته ١٤٠٥") == parse_query("کمیته 1405")


def test_a_word_with_a_zero_width_non_joiner_matches_its_fused_form() -> None:
    assert parse_query("می\u200cروم") == parse_query("میروم")


def test_lowercase_or_is_an_ordinary_word() -> None:
    assert parse_query("rock or roll") == Query(
        include=(
            either("rock", "rockor"),
            Or((Term("or"), Term("rockor"), Term("orroll"))),
            either("roll", "orroll"),
        )
    )


def test_a_repeated_clause_counts_once() -> None:
    assert parse_query("تهران -سیل تهران -سیل") == Query(
        include=(Term("تهران"),), exclude=(Term("سیل"),)
    )


def test_a_word_that_folds_to_several_terms_is_a_phrase() -> None:
    assert search_tokens("۳/۵") == ["3", "5"]
    assert parse_query("۳/۵").include == (Phrase(("3", "5")),)


def test_only_exclusions_leave_the_include_list_empty() -> None:
    query = parse_query("-ورزش")
    assert query.include == ()
    assert query.exclude == (Term("ورزش"),)
    assert not query.is_empty


def test_positive_terms_are_collected_for_highlighting() -> None:
    query = parse_query('"روز ملی" سیل OR زلز* -ورزش')
    assert query.terms() == (
        Term("روز"),
        Term("ملی"),
        Term("روزملی"),
        Term("سیل"),
        Term("زلز", prefix=True),
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", Query()),
        ("   ", Query()),
        ('"', Query()),
        ("«", Query()),
        ("-", Query()),
        ("*", Query()),
        ("OR", Query()),
        ("OR OR |", Query()),
        ("- * -- **", Query()),
        ("؟!،؛", Query()),
        ('"نشست شورا', Query(include=(either("نشست", "نشستشورا"), either("شورا", "نشستشورا")))),
        ('نشست "شورا', Query(include=(either("نشست", "نشستشورا"), either("شورا", "نشستشورا")))),
        ("«نشست شورا", Query(include=(either("نشست", "نشستشورا"), either("شورا", "نشستشورا")))),
        ("خبر OR", Query(include=(Term("خبر"),))),
        ("OR خبر", Query(include=(Term("خبر"),))),
        ("خبر -", Query(include=(Term("خبر"),))),
        ('""', Query()),
        ('-""', Query()),
    ],
)
def test_malformed_input_is_read_as_plainly_as_possible(raw: str, expected: Query) -> None:
    assert parse_query(raw) == expected


def test_control_characters_and_markup_never_become_terms() -> None:
    query = parse_query("\x00<script>alert(1)</script>\u200f\u202e")
    assert all(
        term.text.isalnum() for clause in query.include for term in Query(include=(clause,)).terms()
    )


def test_a_flood_of_clauses_is_capped() -> None:
    query = parse_query(" ".join(f"w{i}" for i in range(200)))
    assert len(query.include) == MAX_CLAUSES


def test_random_garbage_never_raises() -> None:
    alphabet = 'ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكۀةأإؤئء ‌"«»-*|()ORor0123456789۰۱۲۳\t\n\x00'
    rng = random.Random(1405)
    for _ in range(2000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        query = parse_query(raw)
        assert parse_query(raw) == query
        for term in Query(include=query.include + query.exclude).terms():
            # Every term is one the index itself would produce from that text.
            assert search_tokens(term.text) == [term.text]

"""Watch-list matching against one item's text, without the database."""

from __future__ import annotations

import random

import pytest

from ravabet.core.search.query import Or, Phrase, Term
from ravabet.monitoring.services.watch import (
    MAX_NEAR,
    CompiledWatch,
    ItemText,
    Near,
    compile_watch,
    matches,
)

TITLE = "استاندار تهران از پروژه‌های عمرانی شهرستان دماوند بازدید کرد"
LEAD = "معاون عمرانی استانداری گفت اعتبار ۱۲۰ میلیارد ریالی برای این طرح‌ها تخصیص یافت"
BODY = "به گزارش خبرگزاری، محمدصادق معتمدیان در این بازدید از روند ساخت بیمارستان خبر داد"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("استاندار", True),
        ("استانداري تهران", True),  # Arabic yeh, two words anywhere
        ('"استاندار تهران"', True),
        ('"تهران استاندار"', False),
        ("پروژه*", True),
        ("پروژه‌های", True),
        ("پروژههای", True),  # fused half-space
        ("اعتبار -بیمارستان", False),
        ("اعتبار -کرج", True),
        ("کرج OR دماوند", True),
        ("کرج OR قم", False),
        ("اعتبار NEAR/3 ریالی", True),
        ("ریالی NEAR/3 اعتبار", True),  # either order
        ("اعتبار NEAR/1 ریالی", False),  # ۱۲۰ میلیارد between
        ('"معاون عمرانی" NEAR/5 اعتبار', True),
        # The title's last word and the lead's first are never neighbours.
        ('"بازدید کرد معاون"', False),
        ("کرد NEAR/2 معاون", False),
        ("۱۲۰", True),
        ("120", True),
    ],
)
def test_a_watch_query_matches_the_item_as_search_would(query: str, expected: bool) -> None:
    assert matches(compile_watch(1, query), ItemText.of(TITLE, LEAD, BODY)) is expected


def _naive_starts(tokens: list[str], atom: Term | Phrase) -> list[int]:
    words = [atom.text] if isinstance(atom, Term) else list(atom.terms)
    found = []
    for start in range(len(tokens) - len(words) + 1):
        window = tokens[start : start + len(words)]
        if isinstance(atom, Term) and atom.prefix:
            if window[0].startswith(atom.text):
                found.append(start)
        elif window == words:
            found.append(start)
    return found


def _naive(watch: CompiledWatch, tokens: list[str]) -> bool:
    """The rule stepped through token by token, as the reference."""

    def clause(c: Term | Phrase | Or) -> bool:
        options = c.alternatives if isinstance(c, Or) else (c,)
        return any(_naive_starts(tokens, a) for a in options)

    def near(n: Near) -> bool:
        def spans(atoms: tuple[Term | Phrase, ...]) -> list[tuple[int, int]]:
            width = {a: 1 if isinstance(a, Term) else len(a.terms) for a in atoms}
            return [(p, p + width[a] - 1) for a in atoms for p in _naive_starts(tokens, a)]

        return any(
            0 < (rs - le if rs > le else ls - re) <= n.distance + 1
            for ls, le in spans(n.left)
            for rs, re in spans(n.right)
        )

    if watch.is_empty:
        return False
    return (
        all(clause(c) for c in watch.query.include)
        and all(near(n) for n in watch.near)
        and not any(clause(c) for c in watch.query.exclude)
    )


def test_matching_agrees_with_stepping_through_every_token() -> None:
    rng = random.Random(1405)
    words = ["الف", "ب", "پ", "ت", "ث", "ج", "چ"]
    queries = [
        "الف",
        "الف ب",
        '"الف ب"',
        '"ب الف پ"',
        "الف -ج",
        "ت OR ث",
        "الف NEAR/2 ج",
        '"الف ب" NEAR/1 چ',
        "ب NEAR/0 پ",
        "چ -الف -ب",
    ]
    compiled = [compile_watch(i, q) for i, q in enumerate(queries)]
    for _ in range(400):
        fields = [" ".join(rng.choices(words, k=rng.randint(0, 12))) for _ in range(3)]
        text = ItemText.of(*fields)
        assert len(text.tokens) >= 2 * (MAX_NEAR + 1)
        for watch in compiled:
            assert matches(watch, text) is _naive(watch, text.tokens), (watch, fields)

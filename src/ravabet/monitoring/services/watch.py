"""Watch-list matching: each query compiled once, then evaluated against every new item's
tokens in memory (no archive query), insensitive to letter, digit and half-space variants.

A watch query is the search language (words, "phrases", -exclusions, OR, prefix*) plus
``A NEAR/n B``: A and B (words or quoted phrases) within n words of each other.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ravabet.core.search.query import Clause, Or, Phrase, Query, Term, parse_query
from ravabet.core.search.text import search_tokens
from ravabet.monitoring.models import WatchList

MAX_NEAR = 50
# Between two fields: more empty tokens than any proximity reaches across.
_GAP = [""] * (MAX_NEAR + 1)
_OPERAND = r'(?:"[^"]+"|«[^»]+»|[^\s"«»]+)'
_NEAR = re.compile(rf"({_OPERAND})\s+NEAR/(\d{{1,3}})\s+({_OPERAND})")


@dataclass(frozen=True)
class Near:
    """Two operands within ``distance`` words of each other, in either order."""

    left: tuple[Term | Phrase, ...]
    right: tuple[Term | Phrase, ...]
    distance: int


@dataclass(frozen=True)
class CompiledWatch:
    """A watch-list ready to be tested against items."""

    watch_list_id: int
    query: Query
    near: tuple[Near, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.query.include and not self.near


class ItemText:
    """An item's tokens (title, lead and text in one sequence, with a gap between fields so no
    phrase spans two) and the set of them: most watch-lists are ruled out by set lookups, and
    the positions of a term are found only for those that may match."""

    __slots__ = ("_positions", "tokens", "vocabulary")

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.vocabulary = frozenset(tokens)
        self._positions: dict[str, list[int]] = {}

    @classmethod
    def of(cls, *fields: str) -> ItemText:
        joined: list[str] = []
        for index, value in enumerate(fields):
            if index:
                joined += _GAP
            joined += search_tokens(value)
        return cls(joined)

    def positions(self, term: str) -> list[int]:
        """Where ``term`` occurs, in order (found by list search, at C speed)."""
        found = self._positions.get(term)
        if found is None:
            found = self._positions[term] = []
            if term in self.vocabulary:
                tokens, index = self.tokens, -1
                with contextlib.suppress(ValueError):
                    while True:
                        index = tokens.index(term, index + 1)
                        found.append(index)
        return found


def _operand(text: str) -> tuple[Term | Phrase, ...]:
    """The alternatives of one NEAR operand (a word or a quoted phrase)."""
    query = parse_query(text)
    if len(query.include) != 1:
        return ()
    clause = query.include[0]
    return clause.alternatives if isinstance(clause, Or) else (clause,)


def compile_watch(watch_list_id: int, raw: str) -> CompiledWatch:
    """Parse a watch query; never raises (unreadable parts are dropped like in search)."""
    near: list[Near] = []

    def take(match: re.Match[str]) -> str:
        left, right = _operand(match.group(1)), _operand(match.group(3))
        if left and right:
            near.append(Near(left, right, min(int(match.group(2)), MAX_NEAR)))
        return " "

    rest = _NEAR.sub(take, raw)
    return CompiledWatch(watch_list_id, parse_query(rest), tuple(near))


def validate_query(raw: str) -> bool:
    """Whether ``raw`` would match anything at all (not only exclusions or noise)."""
    return not compile_watch(0, raw).is_empty


def _starts(text: ItemText, atom: Term | Phrase) -> list[int]:
    """Positions where ``atom`` starts in ``text``."""
    if isinstance(atom, Term):
        if atom.prefix:
            return sorted(
                p
                for token in text.vocabulary
                if token.startswith(atom.text)
                for p in text.positions(token)
            )
        return text.positions(atom.text)
    if not text.vocabulary.issuperset(atom.terms):
        return []
    first, *rest = atom.terms
    following = [set(text.positions(term)) for term in rest]
    return [
        p
        for p in text.positions(first)
        if all(p + offset + 1 in found for offset, found in enumerate(following))
    ]


def _clause_matches(text: ItemText, clause: Clause) -> bool:
    alternatives = clause.alternatives if isinstance(clause, Or) else (clause,)
    return any(_starts(text, atom) for atom in alternatives)


def _span(atom: Term | Phrase) -> int:
    return 1 if isinstance(atom, Term) else len(atom.terms)


def _near_matches(text: ItemText, near: Near) -> bool:
    lefts = [(p, p + _span(a) - 1) for a in near.left for p in _starts(text, a)]
    rights = [(p, p + _span(a) - 1) for a in near.right for p in _starts(text, a)]
    for left_start, left_end in lefts:
        for right_start, right_end in rights:
            gap = right_start - left_end if right_start > left_end else left_start - right_end
            if 0 < gap <= near.distance + 1:
                return True
    return False


def matches(watch: CompiledWatch, text: ItemText) -> bool:
    """Whether the item holds every include clause and proximity, and no exclude clause."""
    if watch.is_empty:
        return False
    return (
        all(_clause_matches(text, clause) for clause in watch.query.include)
        and all(_near_matches(text, near) for near in watch.near)
        and not any(_clause_matches(text, clause) for clause in watch.query.exclude)
    )


def active_watches() -> list[tuple[WatchList, CompiledWatch]]:
    """Every active watch-list compiled (a few hundred at most: compiled per ingest batch)."""
    return [
        (watch_list, compile_watch(watch_list.pk, watch_list.query))
        for watch_list in WatchList.objects.filter(is_active=True).select_related("organisation")
    ]


def matching(watches: Sequence[tuple[WatchList, CompiledWatch]], text: ItemText) -> list[WatchList]:
    return [watch_list for watch_list, compiled in watches if matches(compiled, text)]


def terms_of(watches: Iterable[CompiledWatch]) -> set[str]:
    """Every term the watch-lists look for (for highlighting)."""
    found: set[str] = set()
    for watch in watches:
        found.update(term.text for term in watch.query.terms())
    return found

"""The search language, parsed into a small tree both backends evaluate the same way.

- ``word word`` — every word must match (AND);
- ``"a phrase"`` or ``«a phrase»`` — the words next to each other in one field;
- ``-word``, ``-"a phrase"`` — exclude;
- ``a OR b`` (also ``|``) — either; OR binds tighter than AND, so ``a OR b c`` is ``(a OR b) c``;
- ``prefix*`` — any word starting with it (at least :data:`MIN_PREFIX` letters; a word that
  folds to several terms is searched as a phrase, without the prefix).

Compounds match however they are typed: «میراث‌فرهنگی» (with the half-space, one term),
«میراثفرهنگی» and «میراث فرهنگی» find the same documents, in words and in phrases.

Parsing never fails: an unbalanced quote is an ordinary character, a dangling OR or a lone
``-`` or ``*`` is dropped, and words are normalised with the index's own normaliser, so a word
that folds to several terms becomes a phrase and one that folds to nothing disappears.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ravabet.core.search.text import search_tokens
from ravabet.lib.text import fused_pairs

MIN_PREFIX = 2
MAX_QUERY_LENGTH = 500
MAX_CLAUSES = 32
OR_WORDS = frozenset({"OR", "|"})
_QUOTES = {'"': '"', "«": "»", "“": "”"}


@dataclass(frozen=True)
class Term:
    """One normalised term; with ``prefix`` any term starting with it."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Two or more terms next to each other in one field."""

    terms: tuple[str, ...]


@dataclass(frozen=True)
class Or:
    """At least one of the alternatives."""

    alternatives: tuple[Term | Phrase, ...]


Clause = Term | Phrase | Or


@dataclass(frozen=True)
class Query:
    """Every ``include`` clause must match and no ``exclude`` clause may; with no include
    clause every document matches except the excluded ones."""

    include: tuple[Clause, ...] = ()
    exclude: tuple[Clause, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.include and not self.exclude

    def terms(self) -> tuple[Term, ...]:
        """The positive terms, for highlighting."""
        found: list[Term] = []
        for clause in self.include:
            alternatives = clause.alternatives if isinstance(clause, Or) else (clause,)
            for atom in alternatives:
                if isinstance(atom, Term):
                    found.append(atom)
                else:
                    found.extend(Term(t) for t in atom.terms)
        return tuple(found)


@dataclass(frozen=True)
class _Lexeme:
    text: str
    quoted: bool
    negated: bool


_SPACE = re.compile(r"\s+")


def _lex(raw: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    i, n = 0, len(raw)
    while i < n:
        if raw[i].isspace():
            i += 1
            continue
        negated = raw[i] == "-" and i + 1 < n and not raw[i + 1].isspace()
        start = i + 1 if negated else i
        opening = raw[start] if start < n else ""
        closing_at = raw.find(_QUOTES[opening], start + 1) if opening in _QUOTES else -1
        if closing_at != -1:
            lexemes.append(_Lexeme(raw[start + 1 : closing_at], quoted=True, negated=negated))
            i = closing_at + 1
            continue
        # Not a phrase: up to the next space. An unbalanced quote stays in the word, where
        # the normaliser drops it as punctuation.
        match = _SPACE.search(raw, start)
        end = match.start() if match else n
        lexemes.append(_Lexeme(raw[start:end], quoted=False, negated=negated))
        i = end
    return lexemes


ZWNJ = "\u200c"
# A phrase tries every way of typing its compounds (joined or apart) up to this many joints.
MAX_JOINTS = 4


def _fusable(first: str, second: str) -> bool:
    """Whether two neighbouring words may be one compound typed apart (as the index's
    normaliser sees it: letters only, not two stopwords)."""
    return bool(fused_pairs([first, second]))


def _spellings(text: str) -> list[tuple[str, ...]]:
    """The term sequences ``text`` may stand for: as typed, and with each compound joined or
    apart — «میراث‌فرهنگی» is also «میراث فرهنگی», and «میراث فرهنگی» also «میراث‌فرهنگی»."""
    as_typed = tuple(search_tokens(text))
    # Every word apart: half-spaces become spaces, then each neighbouring pair that could be
    # a compound is a joint that may be closed.
    parts = search_tokens(text.replace(ZWNJ, " "))
    joints = [i for i in range(len(parts) - 1) if _fusable(parts[i], parts[i + 1])]
    if not joints or len(joints) > MAX_JOINTS:
        apart = tuple(parts)
        return list(dict.fromkeys([as_typed, apart])) if apart and apart != as_typed else [as_typed]
    found: dict[tuple[str, ...], None] = {as_typed: None}
    for closed in itertools.product((False, True), repeat=len(joints)):
        closing = {joint for joint, close in zip(joints, closed, strict=True) if close}
        terms: list[str] = [parts[0]]
        for i in range(1, len(parts)):
            if i - 1 in closing:
                terms[-1] += parts[i]
            else:
                terms.append(parts[i])
        found[tuple(terms)] = None
    return [spelling for spelling in found if spelling]


def _atoms(lexeme: _Lexeme) -> list[Term | Phrase]:
    """The alternatives one word or quoted phrase stands for (empty if it folds to nothing)."""
    text = lexeme.text
    prefix = not lexeme.quoted and text.endswith("*")
    atoms: list[Term | Phrase] = []
    for terms in _spellings(text):
        if not terms:
            continue
        if len(terms) > 1:
            atoms.append(Phrase(terms))
        else:
            atoms.append(Term(terms[0], prefix=prefix and len(terms[0]) >= MIN_PREFIX))
    return atoms


def _joined_neighbours(lexemes: list[_Lexeme]) -> dict[int, list[Term]]:
    """For plain words typed next to each other («میراث فرهنگی»), the compound they may be
    written as elsewhere («میراث‌فرهنگی»): each word matches itself or the compound."""
    extra: dict[int, list[Term]] = {}

    def plain(i: int) -> bool:
        lexeme = lexemes[i]
        return not (lexeme.quoted or lexeme.negated or lexeme.text in OR_WORDS) and not (
            lexeme.text.endswith("*")
        )

    for i in range(len(lexemes) - 1):
        if not (plain(i) and plain(i + 1)):
            continue
        if (i > 0 and lexemes[i - 1].text in OR_WORDS) or (
            i + 2 < len(lexemes) and lexemes[i + 2].text in OR_WORDS
        ):
            continue
        left, right = search_tokens(lexemes[i].text), search_tokens(lexemes[i + 1].text)
        if len(left) == 1 and len(right) == 1 and _fusable(left[0], right[0]):
            joined = Term(left[0] + right[0])
            extra.setdefault(i, []).append(joined)
            extra.setdefault(i + 1, []).append(joined)
    return extra


def parse_query(raw: str) -> Query:
    """The query tree of what a person typed; never raises."""
    lexemes = _lex(raw[:MAX_QUERY_LENGTH])
    joined = _joined_neighbours(lexemes)
    include: list[Clause] = []
    exclude: list[Clause] = []
    group: list[Term | Phrase] = []
    group_negated = False
    pending_or = False

    def close_group() -> None:
        if not group:
            return
        unique = tuple(dict.fromkeys(group))
        clause: Clause = unique[0] if len(unique) == 1 else Or(unique)
        target = exclude if group_negated else include
        if clause not in target:
            target.append(clause)
        group.clear()

    for position, lexeme in enumerate(lexemes):
        if not lexeme.quoted and not lexeme.negated and lexeme.text in OR_WORDS:
            pending_or = bool(group)
            continue
        atoms = _atoms(lexeme)
        if not atoms:
            continue
        atoms.extend(joined.get(position, ()))
        if pending_or and not lexeme.negated:
            group.extend(atoms)
        else:
            close_group()
            group.extend(atoms)
            group_negated = lexeme.negated
        pending_or = False
    close_group()
    return Query(include=tuple(include[:MAX_CLAUSES]), exclude=tuple(exclude[:MAX_CLAUSES]))

"""The search language, parsed into a small tree both backends evaluate the same way.

- ``word word`` — every word must match (AND);
- ``"a phrase"`` or ``«a phrase»`` — the words next to each other in one field;
- ``-word``, ``-"a phrase"`` — exclude;
- ``a OR b`` (also ``|``) — either; OR binds tighter than AND, so ``a OR b c`` is ``(a OR b) c``;
- ``prefix*`` — any word starting with it (at least :data:`MIN_PREFIX` letters; a word that
  folds to several terms is searched as a phrase, without the prefix).

Parsing never fails: an unbalanced quote is an ordinary character, a dangling OR or a lone
``-`` or ``*`` is dropped, and words are normalised with the index's own normaliser, so a word
that folds to several terms becomes a phrase and one that folds to nothing disappears.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ravabet.core.search.text import search_tokens

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


def _atom(lexeme: _Lexeme) -> Term | Phrase | None:
    text = lexeme.text
    prefix = not lexeme.quoted and text.endswith("*")
    terms = search_tokens(text)
    if not terms:
        return None
    if len(terms) > 1:
        return Phrase(tuple(terms))
    term = terms[0]
    return Term(term, prefix=prefix and len(term) >= MIN_PREFIX)


def parse_query(raw: str) -> Query:
    """The query tree of what a person typed; never raises."""
    lexemes = _lex(raw[:MAX_QUERY_LENGTH])
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

    for lexeme in lexemes:
        if not lexeme.quoted and not lexeme.negated and lexeme.text in OR_WORDS:
            pending_or = bool(group)
            continue
        atom = _atom(lexeme)
        if atom is None:
            continue
        if pending_or and not lexeme.negated:
            group.append(atom)
        else:
            close_group()
            group.append(atom)
            group_negated = lexeme.negated
        pending_or = False
    close_group()
    return Query(include=tuple(include[:MAX_CLAUSES]), exclude=tuple(exclude[:MAX_CLAUSES]))

"""The correctness oracle: documents rebuilt from the database rows and the query evaluated in
plain Python. Slow by design (it reads every row); tests prove the index matches it."""

from __future__ import annotations

from collections.abc import Iterable

from ravabet.core.search.backends.base import Restriction
from ravabet.core.search.documents import SearchDocument, documents_of
from ravabet.core.search.query import Clause, Or, Phrase, Query, Term
from ravabet.core.search.registry import get_source


def _has_phrase(terms: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    width = len(phrase)
    return any(terms[i : i + width] == phrase for i in range(len(terms) - width + 1))


def _matches_atom(document: SearchDocument, atom: Term | Phrase) -> bool:
    for terms in document.terms.values():
        if isinstance(atom, Phrase):
            if _has_phrase(terms, atom.terms):
                return True
        elif atom.prefix:
            if any(t.startswith(atom.text) for t in terms):
                return True
        elif atom.text in terms:
            return True
    return False


def _matches_clause(document: SearchDocument, clause: Clause) -> bool:
    if isinstance(clause, Or):
        return any(_matches_atom(document, atom) for atom in clause.alternatives)
    return _matches_atom(document, clause)


def matches(document: SearchDocument, query: Query) -> bool:
    """Whether ``document`` satisfies ``query`` (ignoring the restriction)."""
    return all(_matches_clause(document, c) for c in query.include) and not any(
        _matches_clause(document, c) for c in query.exclude
    )


def matching_keys(
    query: Query, restriction: Restriction, documents: Iterable[SearchDocument] | None = None
) -> set[str]:
    """Keys of the documents (by default: of every indexed row) that match."""
    if restriction.is_empty:
        return set()
    if documents is None:
        documents = (
            document
            for label in sorted(restriction.labels)
            for document in documents_of(get_source(label))
        )
    return {d.key for d in documents if restriction.admits(d) and matches(d, query)}

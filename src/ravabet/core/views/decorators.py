"""Declarations on views that the generated security tests read."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import models

V = TypeVar("V", bound=Callable[..., object])


def object_view(model: type[models.Model]) -> Callable[[V], V]:
    """Declare which model the object id in this view's URL refers to.

    Every URL that takes an object id must be declared, so the outsider matrix
    (core/tests/test_outsider_matrix.py) can create such an object in one agency and request
    the URL as a user of another; an undeclared URL fails that test.
    """

    def mark(view: V) -> V:
        view.scoped_model = model  # type: ignore[attr-defined]
        return view

    return mark

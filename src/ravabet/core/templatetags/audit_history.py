"""The ``history_rows`` tag: audit entries in readable form for the history tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from ravabet.core.audit import HistoryRow, present_history
from ravabet.core.models import AuditEntry

register = template.Library()


@register.simple_tag(takes_context=True)
def history_rows(context: template.Context, entries: Iterable[AuditEntry]) -> list[HistoryRow]:
    """``{% history_rows history as rows %}``: field labels, related objects by name, yes/no,
    resolved for the person viewing the page."""
    viewer: Any = context.get("user")
    return present_history(entries or [], viewer=viewer)

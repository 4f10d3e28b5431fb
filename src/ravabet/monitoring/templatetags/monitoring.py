"""Rendering collected HTML: sanitised again at render time (SECURITY.md: on ingest and on
render), so a change of the allow-list protects what is already stored."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from ravabet.lib.feeds import sanitise_html

register = template.Library()


@register.filter
def sanitised(html: str) -> SafeString:
    return mark_safe(sanitise_html(html or ""))  # noqa: S308 (nh3 allow-list output)


@register.filter
def poll_error(code: str) -> str:
    """A stored fetch or parse error code as a Persian sentence."""
    from ravabet.monitoring.messages import error_message

    return error_message(code)

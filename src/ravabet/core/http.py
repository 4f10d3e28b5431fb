"""Small typed helpers over the request."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx made this request (django-htmx's ``request.htmx``), for partial responses."""
    return bool(getattr(request, "htmx", False))

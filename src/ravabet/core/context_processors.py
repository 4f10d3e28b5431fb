"""What every page's shell needs: the navigation and the person's unread count."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ravabet.core.models import Role, User


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str] | None = None  # None: everyone signed in

    @property
    def url(self) -> str:
        return reverse(self.url_name)


# One entry per module that exists: the kernel's here, each domain app's added by its
# AppConfig.ready() through register_navigation(), between the dashboard and the kernel's pages.
NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry(_("Dashboard"), "core:dashboard", "home"),
    NavEntry(_("Organisations"), "core:organisation_list", "building"),
    NavEntry(
        _("Audit log"),
        "core:audit_log",
        "list",
        frozenset({Role.ADMIN, Role.PR_DIRECTOR, Role.OFFICE_HEAD}),
    ),
    NavEntry(_("Background jobs"), "core:job_list", "gear", frozenset({Role.ADMIN})),
)


_module_entries: list[NavEntry] = []


def register_navigation(entry: NavEntry) -> None:
    """Add a domain module's entry to the navigation (once; called from ``ready()``)."""
    if all(existing.url_name != entry.url_name for existing in _module_entries):
        _module_entries.append(entry)


def navigation() -> tuple[NavEntry, ...]:
    return (NAVIGATION[0], *_module_entries, *NAVIGATION[1:])


def shell(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": ()}
    assert isinstance(user, User)
    entries = [e for e in navigation() if e.roles is None or user.has_role(*e.roles)]
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "navigation": [(e, e.url_name == current) for e in entries],
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
    }

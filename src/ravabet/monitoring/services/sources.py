"""Managing the source registry: add, edit, pause and resume, import from OPML."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ravabet.core.audit import audit_action
from ravabet.core.models import User
from ravabet.lib.feeds import parse_opml
from ravabet.monitoring.models import FeedType, Source, SourceKind, SourceState
from ravabet.monitoring.services.polling import initial_state


def save_source(source: Source, *, by: User) -> Source:
    """Create or update a source; a new one is due for polling at once."""
    with transaction.atomic():
        source.save()
        initial_state(source)
    return source


def set_source_active(source: Source, *, by: User, active: bool) -> None:
    """Pause or resume polling; resuming polls at once and forgets past failures."""
    with (
        transaction.atomic(),
        audit_action("monitoring.source.resumed" if active else "monitoring.source.paused"),
    ):
        source.is_active = active
        source.save(update_fields=["is_active"])
        if active:
            SourceState.objects.filter(source=source).update(
                next_poll_at=timezone.now(),
                consecutive_failures=0,
                circuit_open_until=None,
                claimed_until=None,
            )


@dataclass
class OpmlImport:
    added: int
    existing: int
    invalid: int


def import_opml(data: bytes, *, by: User, kind: str = SourceKind.NEWS_SITE) -> OpmlImport:
    """Add every subscription of an OPML file that is not registered yet."""
    outlines = parse_opml(data)
    added = existing = invalid = 0
    with transaction.atomic(), audit_action("monitoring.source.imported"):
        for outline in outlines:
            url = outline.xml_url.strip()
            if not url.lower().startswith(("http://", "https://")) or len(url) > 1000:
                invalid += 1
                continue
            if Source.objects.filter(feed_url=url).exists():
                existing += 1
                continue
            save_source(
                Source(
                    name=(outline.title or url)[:200],
                    kind=kind,
                    feed_url=url,
                    feed_type=FeedType.AUTO,
                    homepage=(outline.html_url or "")[:1000],
                    affiliation=outline.category[:500],
                ),
                by=by,
            )
            added += 1
    return OpmlImport(added=added, existing=existing, invalid=invalid)

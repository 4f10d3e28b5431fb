"""The morning digest (بولتن): compiled each Tehran day from the stories selected in triage,
ordered and edited by the analyst, approved by the PR director, sent once at the configured
time (or at once by the director) as a PDF, a web page and a message; a late director is told.

Every change checks the edition's state inside its transaction (a locked read, or a
compare-and-set update), so an approval and an edit, or two workers sending, cannot both win.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Literal, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from ravabet.core.audit import audit_action, audited_update
from ravabet.core.models import OrganisationKind, User
from ravabet.core.notify import notify
from ravabet.core.search.indexing import index_later_many
from ravabet.lib import jalali
from ravabet.lib.persian import to_persian_digits
from ravabet.lib.text import display_text
from ravabet.monitoring.digest_selectors import (
    SECTION_ORDER,
    digest_approvers,
    digest_readers,
    edition_sections,
    may_approve_digest,
    stories_waiting,
)
from ravabet.monitoring.models import (
    DigestEdition,
    DigestEntry,
    DigestSection,
    DigestStatus,
    Priority,
    Story,
    Triage,
)
from ravabet.monitoring.selectors import may_use_desk
from ravabet.monitoring.services import triage as triage_service

DIGEST_KIND = "monitoring.digest"
LATE_KIND = "monitoring.digest_late"
SEARCH_LABEL = "digest"
SUMMARY_CHARS = 600
HEADLINES_IN_MESSAGE = 5
# Units of the governorate itself (its deputies and directorates) count as the governorate.
GOVERNORATE_KINDS = frozenset(
    {OrganisationKind.GOVERNORATE, OrganisationKind.DEPUTY, OrganisationKind.DIRECTORATE}
)
AGENCY_KINDS = frozenset({OrganisationKind.AGENCY, OrganisationKind.REVOLUTIONARY})
PRIORITY_RANK = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}
Direction = Literal["up", "down"]


class DigestError(Exception):
    """A digest change that cannot be made now; the message is for the person."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


def _locked_message() -> str:
    return _(
        "This digest has been approved and can no longer be changed. The PR director can reopen it."
    )


# --- Days and sections --------------------------------------------------------------------------


def tehran_day(now: dt.datetime | None = None) -> dt.date:
    return jalali.to_tehran(now or timezone.now()).date()


def next_edition_day(now: dt.datetime | None = None) -> dt.date:
    """The day of the edition being prepared: today's until it is sent or its delivery time
    has passed without one, then tomorrow's."""
    now = now or timezone.now()
    today = tehran_day(now)
    local = jalali.to_tehran(now)
    edition = DigestEdition.objects.filter(day=today).first()
    if edition is not None:
        return today if edition.status != DigestStatus.SENT else today + dt.timedelta(days=1)
    if local.time() < settings.MONITORING_DIGEST_TIME:
        return today
    return today + dt.timedelta(days=1)


def default_section(story: Story) -> DigestSection:
    """Where a story goes unless the analyst moves it: critical priority first, then the body
    it concerns (the governorate or an official, a county, an agency), else national news."""
    triage: Triage | None = getattr(story, "triage", None)
    if triage is not None and triage.priority == Priority.CRITICAL:
        return DigestSection.CRITICAL
    organisation = story.organisation
    if story.official or (organisation is not None and organisation.kind in GOVERNORATE_KINDS):
        return DigestSection.GOVERNOR
    if organisation is not None and organisation.kind == OrganisationKind.COUNTY:
        return DigestSection.COUNTIES
    if organisation is not None and organisation.kind in AGENCY_KINDS:
        return DigestSection.AGENCIES
    return DigestSection.NATIONAL


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut}…"


def _tidy(text: str) -> str:
    # Agencies still send Arabic ي and ك and Latin digits: the bulletin reads as one hand.
    return display_text(text, persian_digits=True)


def default_headline_and_summary(story: Story) -> tuple[str, str]:
    """The lead item's title and lead (or the start of its text when it has no lead),
    tidied for reading: Persian letters and digits, clean spaces and half-spaces."""
    item = story.first_item
    if item is None:
        return _tidy(story.title)[:500], ""
    summary = _shorten(_tidy(item.lead or item.body_text), SUMMARY_CHARS)
    return _tidy(item.title or story.title)[:500], summary


def _story_order(story: Story) -> tuple[int, int, dt.datetime, int]:
    triage: Triage | None = getattr(story, "triage", None)
    priority = PRIORITY_RANK.get(Priority(triage.priority), 2) if triage else 2
    relevance = -(triage.relevance or 0) if triage else 0
    return (priority, relevance, story.first_published_at, story.pk)


# --- Compiling ----------------------------------------------------------------------------------


def _lock(edition_id: int) -> DigestEdition:
    """The edition, locked until the transaction ends (PostgreSQL; SQLite's IMMEDIATE
    transactions already hold the write lock)."""
    return DigestEdition.objects.select_for_update().get(pk=edition_id)


def _lock_draft(edition_id: int) -> DigestEdition:
    edition = _lock(edition_id)
    if edition.status != DigestStatus.DRAFT:
        raise DigestError(_locked_message())
    return edition


def _require_desk(by: User) -> None:
    if not may_use_desk(by):
        raise DigestError(gettext_lazy("Only the monitoring desk may edit the digest."))


def compile_edition(day: dt.date, *, by: User | None = None) -> DigestEdition:
    """Create the edition of ``day`` or refresh it while it is a draft: add every story
    selected for the digest and not in any edition yet, each in its default section after
    the entries already there; drop entries whose story is no longer selected."""
    if by is not None:
        _require_desk(by)
    with transaction.atomic(), audit_action("monitoring.digestedition.compiled"):
        edition = DigestEdition.objects.filter(day=day).first()
        if edition is None:
            try:
                with transaction.atomic():
                    edition = DigestEdition.objects.create(day=day)
            except IntegrityError:  # a second analyst compiled the same day a moment ago
                edition = DigestEdition.objects.get(day=day)
        edition = _lock_draft(edition.pk)
        with audit_action("monitoring.digestentry.removed"):
            for entry in DigestEntry.objects.filter(edition=edition).exclude(
                story__triage__in_digest=True
            ):
                entry.delete()
        stories = sorted(
            stories_waiting().select_related("triage", "organisation", "first_item"),
            key=_story_order,
        )
        next_position = {
            row["section"]: row["last"] + 1
            for row in DigestEntry.objects.filter(edition=edition)
            .values("section")
            .annotate(last=Max("position"))
        }
        with audit_action("monitoring.digestentry.added"):
            for story in stories:
                section = default_section(story)
                headline, summary = default_headline_and_summary(story)
                position = next_position.get(section, 0)
                next_position[section] = position + 1
                DigestEntry.objects.create(
                    edition=edition,
                    story=story,
                    section=section,
                    position=position,
                    headline=headline,
                    summary=summary,
                )
    return edition


# --- The analyst's edits ------------------------------------------------------------------------


def _section_entries(edition_id: int, section: str) -> list[DigestEntry]:
    return list(
        DigestEntry.objects.filter(edition_id=edition_id, section=section).order_by(
            "position", "pk"
        )
    )


def _renumber(entries: Iterable[DigestEntry]) -> None:
    """Positions 0, 1, 2… in the given order; only the entries that move are saved."""
    for position, entry in enumerate(entries):
        if entry.position != position:
            entry.position = position
            entry.save(update_fields=["position"])


def _edit(entry: DigestEntry, by: User, action: str, change: Callable[[DigestEntry], None]) -> None:
    _require_desk(by)
    with transaction.atomic(), audit_action(action):
        _lock_draft(entry.edition_id)
        fresh = DigestEntry.objects.filter(pk=entry.pk).first()
        if fresh is None:
            raise DigestError(gettext_lazy("This story is no longer in the digest."))
        change(fresh)


def move_entry(entry: DigestEntry, *, by: User, direction: Direction) -> None:
    """Move the entry one place up or down within its section."""

    def change(fresh: DigestEntry) -> None:
        entries = _section_entries(fresh.edition_id, fresh.section)
        index = next(i for i, e in enumerate(entries) if e.pk == fresh.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(entries):
            entries[index], entries[other] = entries[other], entries[index]
        _renumber(entries)

    _edit(entry, by, "monitoring.digestentry.moved", change)


def move_entry_to_section(entry: DigestEntry, *, by: User, section: str) -> None:
    """Move the entry to the end of another section."""
    if section not in DigestSection.values:
        raise DigestError(gettext_lazy("That section does not exist."))

    def change(fresh: DigestEntry) -> None:
        if fresh.section == section:
            return
        old = fresh.section
        fresh.section = section
        fresh.position = len(_section_entries(fresh.edition_id, section))
        fresh.save(update_fields=["section", "position"])
        _renumber(_section_entries(fresh.edition_id, old))

    _edit(entry, by, "monitoring.digestentry.moved", change)


def edit_entry(entry: DigestEntry, *, by: User, headline: str, summary: str) -> None:
    """Change the headline and summary the readers see (the story itself is untouched)."""
    headline = " ".join(headline.split())
    summary = summary.strip()
    if not headline:
        raise DigestError(gettext_lazy("The headline cannot be empty."))
    if len(headline) > 500:
        raise DigestError(gettext_lazy("The headline is longer than 500 characters."))

    def change(fresh: DigestEntry) -> None:
        fresh.headline = headline
        fresh.summary = summary
        fresh.save(update_fields=["headline", "summary"])

    _edit(entry, by, "monitoring.digestentry.edited", change)


def remove_entry(entry: DigestEntry, *, by: User) -> None:
    """Take the story out of the digest; it is no longer selected, so a refresh leaves it out."""

    def change(fresh: DigestEntry) -> None:
        section, edition_id, story = fresh.section, fresh.edition_id, fresh.story
        fresh.delete()
        _renumber(_section_entries(edition_id, section))
        triage_service.update_triage(story, by=by, in_digest=False)

    _edit(entry, by, "monitoring.digestentry.removed", change)


def edit_introduction(edition: DigestEdition, *, by: User, text: str) -> None:
    """Change the few lines printed above the stories (empty: none)."""
    _require_desk(by)
    with transaction.atomic(), audit_action("monitoring.digestedition.edited"):
        locked = _lock_draft(edition.pk)
        locked.introduction = text.strip()
        locked.save(update_fields=["introduction"])
    edition.refresh_from_db()


# --- Approval -----------------------------------------------------------------------------------


def approve_edition(
    edition: DigestEdition, *, by: User, now: dt.datetime | None = None
) -> DigestEdition:
    """The PR director approves the draft; from then on it cannot be edited."""
    if not may_approve_digest(by):
        raise DigestError(gettext_lazy("Only the PR director may approve the digest."))
    with transaction.atomic():
        if not DigestEntry.objects.filter(edition=edition).exists():
            raise DigestError(gettext_lazy("The digest has no stories yet; nothing to approve."))
        won = audited_update(
            DigestEdition.objects.select_for_update().filter(
                pk=edition.pk, status=DigestStatus.DRAFT
            ),
            action="monitoring.digestedition.approved",
            status=DigestStatus.APPROVED,
            approved_by=by,
            approved_at=now or timezone.now(),
        )
        if not won:
            raise DigestError(
                gettext_lazy("This digest is no longer a draft: it was approved or sent already.")
            )
    edition.refresh_from_db()
    return edition


def reopen_edition(edition: DigestEdition, *, by: User) -> DigestEdition:
    """The PR director takes an approved edition back to draft for more edits."""
    if not may_approve_digest(by):
        raise DigestError(gettext_lazy("Only the PR director may reopen the digest."))
    with transaction.atomic():
        won = audited_update(
            DigestEdition.objects.select_for_update().filter(
                pk=edition.pk, status=DigestStatus.APPROVED
            ),
            action="monitoring.digestedition.reopened",
            status=DigestStatus.DRAFT,
            approved_by=None,
            approved_at=None,
        )
        if not won:
            raise DigestError(
                gettext_lazy("Only an approved digest that has not been sent can be reopened.")
            )
    edition.refresh_from_db()
    return edition


# --- Delivery -----------------------------------------------------------------------------------


def _day_text(day: dt.date) -> str:
    """The day spelled out in the language active when the text is rendered."""
    return jalali.format_date(day, persian=(get_language() or "fa").startswith("fa"), long=True)


def _lazy(build: Callable[[], str]) -> Promise:
    # notify() renders title and body in each recipient's language; this defers the text.
    return cast(Promise, lazy(build, str)())


def _message(edition: DigestEdition) -> tuple[Promise, Promise]:
    sections = edition_sections(edition)
    headlines = [entry.headline for block in sections for entry in block.entries]

    def title() -> str:
        return _("Morning digest, %(day)s") % {"day": _day_text(edition.day)}

    def body() -> str:
        count = ngettext(
            "%(count)s story in this edition.", "%(count)s stories in this edition.", len(headlines)
        ) % {"count": len(headlines)}
        if (get_language() or "fa").startswith("fa"):
            count = to_persian_digits(count)
        lines = [count, *(f"• {h}" for h in headlines[:HEADLINES_IN_MESSAGE])]
        return "\n".join(lines)

    return _lazy(title), _lazy(body)


def edition_url(edition: DigestEdition) -> str:
    return reverse("monitoring:digest_detail", kwargs={"day": edition.day})


def store_pdf(edition: DigestEdition, pdf: bytes) -> None:
    """Keep ``pdf`` as the edition's rendition, replacing the one before."""
    from ravabet.monitoring.digest_pdf import file_name

    if edition.pdf:
        edition.pdf.delete(save=False)
    edition.pdf.save(file_name(edition), ContentFile(pdf), save=False)
    edition.save(update_fields=["pdf"])


def send_edition(
    edition: DigestEdition, *, by: User | None = None, now: dt.datetime | None = None
) -> bool:
    """Send an approved edition: render its PDF, mark it sent (once, however many workers try)
    and tell the readers. False when it was not approved or another worker sent it."""
    from ravabet.monitoring.digest_pdf import render_edition_pdf

    if by is not None and not may_approve_digest(by):
        raise DigestError(gettext_lazy("Only the PR director may send the digest."))
    current = DigestEdition.objects.filter(pk=edition.pk).first()
    if current is None or current.status != DigestStatus.APPROVED:
        return False
    # Rendered before the claim, outside the transaction: it is the slow part.
    pdf = render_edition_pdf(current)
    with transaction.atomic():
        # approved_at in the claim: a reopened and re-approved edition was rendered stale.
        won = audited_update(
            DigestEdition.objects.select_for_update().filter(
                pk=current.pk, status=DigestStatus.APPROVED, approved_at=current.approved_at
            ),
            action="monitoring.digestedition.sent",
            status=DigestStatus.SENT,
            sent_at=now or timezone.now(),
        )
        if not won:
            return False
        current.refresh_from_db()
        with audit_action("monitoring.digestedition.rendered"):
            store_pdf(current, pdf)
        title, body = _message(current)
        notify(
            digest_readers(),
            kind=DIGEST_KIND,
            title=title,
            body=body,
            url=edition_url(current),
            key=f"{DIGEST_KIND}.{current.day.isoformat()}",
        )
        index_later_many(
            SEARCH_LABEL, DigestEntry.objects.filter(edition=current).values_list("pk", flat=True)
        )
    edition.refresh_from_db()
    return True


def notify_late(day: dt.date, edition: DigestEdition | None) -> None:
    """Tell the PR directors that the edition of ``day`` is not approved at delivery time;
    once per day, however often it is called."""

    def title() -> str:
        return _("The morning digest of %(day)s has not been approved") % {"day": _day_text(day)}

    def body() -> str:
        if edition is None:
            return _("No edition was prepared. It was due at %(time)s.") % {"time": _time_text()}
        return _("It was due at %(time)s. Approve it and send it now from its page.") % {
            "time": _time_text()
        }

    notify(
        digest_approvers(),
        kind=LATE_KIND,
        title=_lazy(title),
        body=_lazy(body),
        url=edition_url(edition) if edition is not None else reverse("monitoring:digest_list"),
        key=f"{LATE_KIND}.{day.isoformat()}",
        urgent=True,
    )


def _time_text() -> str:
    persian = (get_language() or "fa").startswith("fa")
    return jalali.format_time(settings.MONITORING_DIGEST_TIME, persian=persian)


def deliver_due(*, now: dt.datetime | None = None) -> str:
    """At delivery time: send today's approved edition, or tell the director it is late."""
    now = now or timezone.now()
    day = tehran_day(now)
    edition = DigestEdition.objects.filter(day=day).first()
    if edition is not None and edition.status == DigestStatus.SENT:
        return "already sent"
    if edition is None or edition.status == DigestStatus.DRAFT:
        with transaction.atomic():
            notify_late(day, edition)
        return "late"
    return "sent" if send_edition(edition, now=now) else "already sent"


def ensure_pdf(edition: DigestEdition) -> bytes:
    """The edition's PDF: the stored rendition of a sent edition (made again if it is
    missing), a fresh preview of a draft or approved one (not stored)."""
    from ravabet.monitoring.digest_pdf import render_edition_pdf

    if edition.status == DigestStatus.SENT and edition.pdf:
        try:
            with edition.pdf.open("rb") as stored:
                data: bytes = stored.read()
            return data
        except FileNotFoundError:
            pass  # a restore without the media folder: made again below
    pdf = render_edition_pdf(edition)
    if edition.status == DigestStatus.SENT:
        with transaction.atomic(), audit_action("monitoring.digestedition.rendered"):
            store_pdf(_lock(edition.pk), pdf)
    return pdf


__all__ = [
    "SECTION_ORDER",
    "DigestError",
    "approve_edition",
    "compile_edition",
    "default_section",
    "deliver_due",
    "edit_entry",
    "edit_introduction",
    "ensure_pdf",
    "move_entry",
    "move_entry_to_section",
    "next_edition_day",
    "notify_late",
    "remove_entry",
    "reopen_edition",
    "send_edition",
]

"""Polling sources: which are due, a compare-and-set claim so one worker polls a source at a
time, the safe fetch with conditional GET, parsing from the stored bytes, ingest, the poll
record, and the next poll time (often for active sources, rarely for quiet ones, backing off
and opening the circuit for failing ones)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from ipaddress import ip_network

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from ravabet.lib.feeds import FeedKind, ParsedItem, parse_feed
from ravabet.lib.feeds.pages import extract_article, find_article_links
from ravabet.lib.fetch import (
    DEFAULT,
    Circuit,
    FetchError,
    FetchPolicy,
    FetchResult,
    Resolver,
    safe_fetch,
)
from ravabet.monitoring.models import (
    FeedType,
    MonitoredItem,
    Poll,
    PollOutcome,
    Source,
    SourceState,
)
from ravabet.monitoring.services.ingest import IngestReport, ingest_items, url_hash

logger = logging.getLogger(__name__)

# Articles fetched per poll of a listing page without a feed; the rest wait for the next poll.
PAGE_ARTICLES_PER_POLL = 15
SITEMAP_CHILDREN_PER_POLL = 3
Fetch = Callable[..., FetchResult]


def fetch_policy() -> FetchPolicy:
    """The default policy plus the addresses ``RAVABET_FETCH_ALLOW`` admits (host:port)."""
    networks, ports = [], set()
    for entry in settings.MONITORING_FETCH_ALLOW:
        host, _, port = entry.rpartition(":") if ":" in entry else (entry, "", "")
        networks.append(ip_network(host.strip("[]")))
        if port:
            ports.add(int(port))
    if not networks:
        return DEFAULT
    return FetchPolicy(
        allowed_networks=tuple(networks), allowed_ports=DEFAULT.allowed_ports | ports
    )


def initial_state(source: Source, *, now: datetime | None = None) -> SourceState:
    """The state a new source starts with: due at once."""
    state, _ = SourceState.objects.get_or_create(
        source=source,
        defaults={
            "next_poll_at": now or timezone.now(),
            "interval_seconds": settings.MONITORING_POLL_MIN_SECONDS * source.tier,
        },
    )
    return state


def due_source_ids(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Active sources whose next poll is due, not claimed, circuit not open; oldest first."""
    now = now or timezone.now()
    return list(
        SourceState.objects.filter(source__is_active=True, next_poll_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(circuit_open_until__isnull=True) | Q(circuit_open_until__lte=now))
        .order_by("next_poll_at")
        .values_list("source_id", flat=True)[:limit]
    )


def claim(source_id: int, *, now: datetime | None = None) -> bool:
    """Take the source for one poll; False if another worker has it or it is not due."""
    now = now or timezone.now()
    return bool(
        SourceState.objects.filter(
            source_id=source_id, source__is_active=True, next_poll_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        # A claim not released by then is taken for lost (its worker died).
        .update(claimed_until=now + settings.MONITORING_POLL_LEASE)
    )


def _next_interval(source: Source, state: SourceState, *, had_new: bool, now: datetime) -> int:
    """Adaptive polling: halve the interval after new items, stretch it by half after none,
    within the configured bounds (a minor source never faster than its tier allows). A dormant
    source — nothing new for ``MONITORING_POLL_DORMANT_AFTER`` — stretches on up to
    ``MONITORING_POLL_DORMANT_SECONDS``; its first new item brings it back within the active
    bounds at once."""
    low = settings.MONITORING_POLL_MIN_SECONDS * source.tier
    high = settings.MONITORING_POLL_MAX_SECONDS
    current = state.interval_seconds or low
    if had_new:
        return max(low, min(high, current // 2))
    quiet_since = state.last_new_item_at or source.created_at
    if now - quiet_since >= settings.MONITORING_POLL_DORMANT_AFTER:
        high = max(high, settings.MONITORING_POLL_DORMANT_SECONDS)
    return max(low, min(high, int(current * 1.5)))


def _items_of_page(
    source: Source, result: FetchResult, fetch: Fetch, policy: FetchPolicy
) -> list[ParsedItem]:
    """Articles linked from a listing page that are not stored yet, each fetched and extracted
    (a failing article is skipped; it is tried again at the next poll)."""
    links = find_article_links(result.body, result.url)
    fresh = [
        url for url in links if not MonitoredItem.objects.filter(url_hash=url_hash(url)).exists()
    ][:PAGE_ARTICLES_PER_POLL]
    items = []
    for url in fresh:
        try:
            page = fetch(url, policy=policy)
        except FetchError as error:
            logger.info("article %s of source %s not fetched: %s", url, source.pk, error)
            continue
        item = extract_article(page.body, page.url)
        if item is not None:
            items.append(item)
    return items


def _items_of_feed(
    result: FetchResult, fetch: Fetch, policy: FetchPolicy
) -> tuple[list[ParsedItem], str, bool]:
    """Items of a feed or sitemap (following a sitemap index a few children deep); the error
    code when nothing could be read; whether the document held them all (not an index whose
    children may change while it does not)."""
    parsed = parse_feed(result.body, base_url=result.url, content_type=result.content_type)
    items = list(parsed.items)
    index = parsed.kind is FeedKind.SITEMAP_INDEX
    if index:
        for child in parsed.child_urls[:SITEMAP_CHILDREN_PER_POLL]:
            try:
                page = fetch(child, policy=policy)
            except FetchError:
                continue
            child_parse = parse_feed(page.body, base_url=page.url, content_type=page.content_type)
            items.extend(child_parse.items)
    error = parsed.errors[0].reason.value if parsed.errors and not items else ""
    return items, error, not index


def poll_source(
    source: Source,
    *,
    now: datetime | None = None,
    fetch: Fetch = safe_fetch,
    resolver: Resolver | None = None,
) -> Poll:
    """Poll ``source`` once (the caller holds the claim) and record it."""
    now = now or timezone.now()
    state = source.state
    policy = fetch_policy()
    started = time.monotonic()
    poll = Poll(source=source, started_at=now)
    report = IngestReport()
    circuit = Circuit(failures=state.consecutive_failures, retry_at=state.circuit_open_until)
    try:
        result = fetch(
            source.feed_url,
            etag=state.etag or None,
            last_modified=state.last_modified or None,
            policy=policy,
            **({"resolver": resolver} if resolver is not None else {}),
        )
    except FetchError as error:
        poll.outcome = PollOutcome.FETCH_FAILED
        poll.error, poll.error_detail = error.reason.value, error.detail[:500]
        poll.http_status = error.status
        circuit = circuit.record_failure(now, retry_after=error.retry_after)
    else:
        poll.http_status = 304 if result.not_modified else 200
        poll.bytes_received = len(result.body)
        digest = "" if result.not_modified else hashlib.sha256(result.body).hexdigest()
        if result.not_modified or digest == state.body_hash:
            # A 304, or the very bytes of the last feed read whole: nothing can be new.
            poll.outcome = PollOutcome.NOT_MODIFIED
            circuit = circuit.record_success()
        else:
            whole = False  # a listing page: its articles beyond this poll's share wait
            if source.feed_type == FeedType.PAGE:
                items, error_code = _items_of_page(source, result, fetch, policy), ""
            else:
                items, error_code, whole = _items_of_feed(result, fetch, policy)
            report = ingest_items(source, items, now=now)
            if error_code:
                poll.outcome, poll.error = PollOutcome.PARSE_FAILED, error_code
                circuit = circuit.record_failure(now)
            else:
                poll.outcome = PollOutcome.NEW_ITEMS if report.new else PollOutcome.NOTHING_NEW
                circuit = circuit.record_success()
            state.body_hash = digest if whole and not error_code else ""
        if not result.not_modified:
            state.etag = (result.etag or "")[:500]
            state.last_modified = (result.last_modified or "")[:100]
    poll.items_seen, poll.items_new = report.seen, report.new
    poll.duration_ms = int((time.monotonic() - started) * 1000)
    poll.save()
    _finish(source, state, poll, circuit, now=now)
    return poll


def _finish(
    source: Source, state: SourceState, poll: Poll, circuit: Circuit, *, now: datetime
) -> None:
    """Record the outcome on the source's state, set its next poll and release the claim."""
    failed = poll.outcome in (PollOutcome.FETCH_FAILED, PollOutcome.PARSE_FAILED)
    state.last_polled_at = now
    state.consecutive_failures = circuit.failures
    state.circuit_open_until = circuit.retry_at
    if failed:
        state.last_error, state.last_error_detail = poll.error, poll.error_detail
        wait = max(
            timedelta(seconds=state.interval_seconds),
            (circuit.retry_at - now) if circuit.retry_at else timedelta(0),
        )
    else:
        state.last_success_at = now
        state.last_error = state.last_error_detail = ""
        if poll.items_new:
            state.last_new_item_at = now
        state.interval_seconds = _next_interval(
            source, state, had_new=bool(poll.items_new), now=now
        )
        wait = timedelta(seconds=state.interval_seconds)
    state.next_poll_at = now + wait
    state.claimed_until = None
    state.save()

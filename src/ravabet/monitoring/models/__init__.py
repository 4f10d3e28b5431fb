"""The monitoring module's models, one module per aggregate."""

from ravabet.monitoring.models.alerts import Alert, AlertReason, AlertReceipt
from ravabet.monitoring.models.digest import (
    DigestEdition,
    DigestEntry,
    DigestSection,
    DigestStatus,
)
from ravabet.monitoring.models.items import (
    ItemBand,
    MonitoredItem,
    Priority,
    Relevance,
    ResponseNeed,
    Story,
    Tone,
    Topic,
    Triage,
    TriageStatus,
)
from ravabet.monitoring.models.sources import (
    FeedType,
    Poll,
    PollOutcome,
    Source,
    SourceKind,
    SourceState,
    Tier,
)
from ravabet.monitoring.models.watch import WatchKind, WatchList, WatchMatch

__all__ = [
    "Alert",
    "AlertReason",
    "AlertReceipt",
    "DigestEdition",
    "DigestEntry",
    "DigestSection",
    "DigestStatus",
    "FeedType",
    "ItemBand",
    "MonitoredItem",
    "Poll",
    "PollOutcome",
    "Priority",
    "Relevance",
    "ResponseNeed",
    "Source",
    "SourceKind",
    "SourceState",
    "Story",
    "Tier",
    "Tone",
    "Topic",
    "Triage",
    "TriageStatus",
    "WatchKind",
    "WatchList",
    "WatchMatch",
]

"""Kernel models, one module per aggregate."""

from ravabet.core.models.audit import AuditEntry
from ravabet.core.models.jobs import JobRetry, Schedule
from ravabet.core.models.notifications import (
    Channel,
    Notification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
)
from ravabet.core.models.organisations import Organisation, OrganisationKind
from ravabet.core.models.search import SearchBacklogEntry
from ravabet.core.models.security import SecurityEvent, SecurityEventKind, UserSession
from ravabet.core.models.users import Role, User

__all__ = [
    "AuditEntry",
    "Channel",
    "JobRetry",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "OutboxStatus",
    "Role",
    "Schedule",
    "SearchBacklogEntry",
    "SecurityEvent",
    "SecurityEventKind",
    "User",
    "UserSession",
]

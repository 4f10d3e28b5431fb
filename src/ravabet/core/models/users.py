from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does in Ravabet; each role is a Django group of the same code."""

    ADMIN = "admin", _("System administrator")
    PR_DIRECTOR = "pr_director", _("PR director-general")
    OFFICE_HEAD = "office_head", _("PR office head")
    MONITORING_ANALYST = "monitoring_analyst", _("Media monitoring analyst")
    NEWS_EDITOR = "news_editor", _("News editor")
    ARCHIVIST = "archivist", _("Photographer and archivist")
    PROTOCOL_OFFICER = "protocol_officer", _("Protocol and international officer")
    COUNCIL_SECRETARY = "council_secretary", _("Council secretariat")
    POLLING_OFFICER = "polling_officer", _("Polling officer")
    LIBRARIAN = "librarian", _("Librarian")
    COUNCIL_APPROVER = "council_approver", _("Information Council head or deputy")
    GOVERNOR = "governor", _("Governor")
    DEPUTY_GOVERNOR = "deputy_governor", _("Deputy governor")
    COUNTY_GOVERNOR = "county_governor", _("County governor")
    AGENCY_OFFICER = "agency_officer", _("Agency PR officer")


# Roles whose holders work for the whole province and so see every organisation's records.
# Everyone else (agency PR officers, county governors, a user with no role) sees only their own
# organisation: the default is the narrow view.
PROVINCE_WIDE_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.PR_DIRECTOR,
        Role.OFFICE_HEAD,
        Role.MONITORING_ANALYST,
        Role.NEWS_EDITOR,
        Role.ARCHIVIST,
        Role.PROTOCOL_OFFICER,
        Role.COUNCIL_SECRETARY,
        Role.POLLING_OFFICER,
        Role.LIBRARIAN,
        Role.COUNCIL_APPROVER,
        Role.GOVERNOR,
        Role.DEPUTY_GOVERNOR,
    }
)


class User(AbstractUser):
    """A person who signs in; every person belongs to one organisation."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    bale_chat_id = models.CharField(_("Bale chat id"), max_length=40, blank=True)
    language = models.CharField(
        _("interface language"),
        max_length=5,
        choices=[("fa", _("Persian")), ("en", _("English"))],
        default="fa",
    )

    REQUIRED_FIELDS = ["email"]
    audit_exclude = frozenset({"last_login"})
    audit_redact = frozenset({"password"})

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """Codes of the roles this person holds (one query, cached on the instance)."""
        valid = set(Role.values)
        return frozenset(n for n in self.groups.values_list("name", flat=True) if n in valid)

    @property
    def role_labels(self) -> list[str]:
        return [str(label) for value, label in Role.choices if value in self.roles]

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or any(role in self.roles for role in roles)

    @property
    def sees_all_organisations(self) -> bool:
        return self.is_superuser or bool(self.roles & PROVINCE_WIDE_ROLES)

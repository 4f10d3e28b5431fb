from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ravabet.core.models.base import AuditedModel


class OrganisationKind(models.TextChoices):
    GOVERNORATE = "governorate", _("Governorate")
    DEPUTY = "deputy", _("Deputy governorship")
    DIRECTORATE = "directorate", _("Directorate")
    COUNTY = "county", _("County governorate")
    AGENCY = "agency", _("Executive agency")
    REVOLUTIONARY = "revolutionary", _("Revolutionary institution")


class Organisation(AuditedModel):
    """A unit in the province's one tree: the governorate with its deputies and directorates,
    the county governorates, executive agencies and revolutionary institutions."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_fa = models.CharField(_("Persian name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    # An organisation is itself the unit its members may see (see ravabet.core.scoping).
    organisation_field = "self"

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name_fa"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="organisation_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Persian."""
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_fa

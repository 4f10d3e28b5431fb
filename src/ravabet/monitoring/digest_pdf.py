"""The digest as a PDF: the print template rendered in Persian whatever the viewer's language,
with its stylesheet and the Vazirmatn font fetched from our own static files and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ravabet.lib import jalali
from ravabet.monitoring.digest_selectors import edition_sections
from ravabet.monitoring.models import DigestEdition

if TYPE_CHECKING:
    from ravabet.lib.pdf import StaticFetcher

TEMPLATE = "monitoring/digest_pdf.html"


def static_file(relative: str) -> Path | None:
    """Our static file at ``relative`` (as ``{% static %}`` names it), found where Django's
    finders look: the package's static folder, the installed assets, the apps."""
    found = finders.find(relative)
    return Path(found) if isinstance(found, str) else None


def static_fetcher() -> StaticFetcher:
    # Imported here: WeasyPrint takes a second to import, which no other page should pay.
    from ravabet.lib.pdf import StaticFetcher

    return StaticFetcher(static_file)


def file_name(edition: DigestEdition) -> str:
    day = jalali.to_jalali(edition.day)
    return f"digest-{day.year:04d}-{day.month:02d}-{day.day:02d}.pdf"


def edition_html(edition: DigestEdition) -> str:
    """The print HTML of ``edition``, in Persian."""
    sections = edition_sections(edition)
    with translation.override("fa"):
        return render_to_string(
            TEMPLATE,
            {
                "edition": edition,
                "sections": sections,
                "story_count": sum(len(block.entries) for block in sections),
                "printed_at": timezone.now(),
            },
        )


def render_edition_pdf(edition: DigestEdition) -> bytes:
    """The PDF of ``edition``; raises if one of our own files (font, stylesheet) is missing."""
    from ravabet.lib.pdf import render_pdf

    return render_pdf(edition_html(edition), fetcher=static_fetcher(), strict=True)

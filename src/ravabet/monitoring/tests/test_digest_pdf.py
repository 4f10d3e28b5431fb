"""The digest's PDF read back with poppler's pdftotext: the Persian comes back in logical order,
sections in their order, the Jalali date and Persian page numbers; our font is embedded; text
that looks like HTML is printed, never fetched."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zlib

import pytest

from ravabet.core.models import Organisation
from ravabet.monitoring.digest_pdf import render_edition_pdf
from ravabet.monitoring.models import DigestSection, DigestStatus, Priority
from ravabet.monitoring.tests.factories import make_edition, make_story

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 27)  # جمعه ۶ آذر ۱۴۰۵
# Bidi controls pdftotext wraps right-to-left lines and embedded numbers in.
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ZWNJ = "\u200c"
LAM_ALEF = "\u0644\u0627"

CRITICAL = (
    "آتش‌سوزی انبار کالا در شهرک صنعتی ورامین",
    "آتش‌سوزی از ساعت ۵ صبح امروز ادامه دارد و ۱۲ تیم آتش‌نشانی در محل مستقرند.",
)
GOVERNOR = (
    "بازدید استاندار تهران از تصفیه‌خانه آب جنوب",
    "استاندار در این بازدید بر بهره‌برداری از طرح پیش از تابستان ۱۴۰۶ تأکید کرد.",
)
INTRODUCTION = "مهم‌ترین خبرهای شب گذشته و امروز صبح درباره استان تهران"
NATIONAL = (
    "کاهش ۳ درصدی مصرف برق کشور در هفته گذشته",
    "سخنگوی صنعت برق گفت مصرف برق در هفته گذشته نسبت به سال قبل ۳ درصد کمتر بوده است.",
)


def pdf_text(pdf: bytes) -> str:
    """pdftotext's reading of ``pdf``, without its bidi controls and without spaces: poppler
    drops or adds a space where a run of digits meets Persian words, so the order of the
    letters is what is compared."""
    found = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return "".join(BIDI.sub("", found.stdout.decode()).split())


def as_poppler_reads(text: str) -> str:
    """``text`` as pdftotext gives it back: no spaces (see above), no half-spaces (they draw no
    glyph), and the two letters of the lam-alef ligature swapped, because poppler reverses
    every character of a right-to-left line, even the two one ligature glyph stands for (the
    PDF maps that glyph to ل then ا, as the next test checks; PDFBox, for one, reads it right).
    """
    return "".join(text.replace(ZWNJ, "").replace(LAM_ALEF, LAM_ALEF[::-1]).split())


def decompressed_streams(pdf: bytes) -> bytes:
    """Every zlib stream of ``pdf`` inflated: font names and Unicode maps live in them."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(found)


@pytest.fixture
def edition(governorate: Organisation, director: object) -> object:
    critical = make_story(title=CRITICAL[0], lead=CRITICAL[1])
    critical.triage.priority = Priority.CRITICAL
    critical.triage.save()
    governor = make_story(title=GOVERNOR[0], lead=GOVERNOR[1], organisation=governorate)
    national = make_story(title=NATIONAL[0], lead=NATIONAL[1])
    edition = make_edition(
        day=DAY, status=DigestStatus.APPROVED, stories=[national, governor, critical]
    )
    edition.approved_by = director  # type: ignore[assignment]
    edition.introduction = INTRODUCTION
    edition.save()
    return edition


def test_the_digest_pdf_reads_back_in_logical_persian_order(edition: object) -> None:
    pdf = render_edition_pdf(edition)  # type: ignore[arg-type]
    text = pdf_text(pdf)

    assert "بولتنخبری" in text
    assert "جمعه۶آذر۱۴۰۵" in text
    assert as_poppler_reads(INTRODUCTION) in text
    for headline, summary in (CRITICAL, GOVERNOR, NATIONAL):
        assert as_poppler_reads(headline) in text
        assert as_poppler_reads(summary) in text
    critical, governor, national = (
        text.index(as_poppler_reads(headline)) for headline, _ in (CRITICAL, GOVERNOR, NATIONAL)
    )
    assert critical < governor < national
    # Each section's heading stands between the section before it and its own first story.
    assert as_poppler_reads(str(DigestSection.GOVERNOR.label)) in text[critical:governor]
    assert as_poppler_reads(str(DigestSection.NATIONAL.label)) in text[governor:national]
    # Persian page numbers in the footer, "page 1 of 1" (the hamza of صفحهٔ may come first).
    assert re.search("صفح(ه\u0654|\u0654ه)۱از۱", text)


def test_the_pdf_embeds_vazirmatn_and_maps_the_lam_alef_ligature_in_logical_order(
    edition: object,
) -> None:
    inflated = decompressed_streams(render_edition_pdf(edition))  # type: ignore[arg-type]
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+Vazirmatn\b", inflated)
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+Vazirmatn-Bold\b", inflated)
    # "کالا" in the critical headline: its lam-alef glyph stands for ل then ا.
    assert re.search(rb"<[0-9a-fA-F]{4}>\s*<06440627>", inflated)


def test_a_headline_that_looks_like_html_is_printed_and_nothing_is_fetched(
    governorate: Organisation,
) -> None:
    story = make_story(
        title='<img src="file:///etc/passwd"> خبر آزمایشی',
        lead='<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    )
    edition = make_edition(day=DAY, status=DigestStatus.DRAFT, stories=[story])
    # Strict rendering raises on any refused fetch, so success means nothing was asked for.
    text = pdf_text(render_edition_pdf(edition))
    assert "file:///etc/passwd" in text
    assert 'rel="stylesheet"' in text
    assert "root:" not in text

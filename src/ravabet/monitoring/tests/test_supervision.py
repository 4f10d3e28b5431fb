"""Supervision of agencies' publications: counts per Jalali period and the one before, items
about an organisation elsewhere, silence warnings, who sees which rows, sorting, the Excel
export and the page's query count."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ravabet.conftest import client_for
from ravabet.core.models import (
    Organisation,
    OrganisationKind,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
)
from ravabet.core.tests.factories import OrganisationFactory, UserFactory
from ravabet.lib.jalali import JalaliDate, Period, PeriodKind, tehran_midnight
from ravabet.lib.tests.xlsx_reader import read_sheet
from ravabet.lib.xlsx import PERSIAN_DIGITS
from ravabet.monitoring.models import Source, SourceKind, SourceState, WatchKind, WatchList
from ravabet.monitoring.supervision_selectors import SILENCE_DAYS, supervision_rows
from ravabet.monitoring.tests.factories import SourceFactory
from ravabet.monitoring.tests.items import add_item
from ravabet.monitoring.views.supervision import chosen_period

pytestmark = pytest.mark.django_db

AZAR_1403 = Period(PeriodKind.MONTH, 1403, 9)
DEY_1403 = Period(PeriodKind.MONTH, 1403, 10)
# 1 Dey 1403 begins in Tehran at 20:30 UTC on 20 December 2024.
DEY_BEGINS = tehran_midnight(JalaliDate(1403, 10, 1))


def own_site(organisation: Organisation) -> Source:
    return SourceFactory.create(kind=SourceKind.PROVINCIAL_SITE, organisation=organisation)


def row_of(rows: list[Any], organisation: Organisation) -> Any:
    return next(row for row in rows if row.organisation == organisation)


def test_an_item_counts_in_the_jalali_month_of_its_tehran_day(
    org_a: Organisation, director: User
) -> None:
    site = own_site(org_a)
    add_item(site, tehran_midnight(JalaliDate(1403, 8, 1)) + timedelta(minutes=5))  # Aban
    add_item(site, DEY_BEGINS - timedelta(minutes=1))  # 23:59 on 30 Azar in Tehran
    add_item(site, DEY_BEGINS)  # 00:00 on 1 Dey, still 20 December in UTC
    add_item(site, DEY_BEGINS + timedelta(minutes=1))

    azar = row_of(supervision_rows(for_user=director, period=AZAR_1403), org_a)
    dey = row_of(supervision_rows(for_user=director, period=DEY_1403), org_a)

    assert (azar.own.current, azar.own.previous, azar.own.change) == (1, 1, 0)
    assert (dey.own.current, dey.own.previous, dey.own.change) == (2, 1, 1)


def test_longer_periods_gather_their_months(org_a: Organisation, director: User) -> None:
    site = own_site(org_a)
    add_item(site, DEY_BEGINS - timedelta(days=40))  # Aban: the third quarter
    add_item(site, DEY_BEGINS - timedelta(minutes=1))  # Azar: the third quarter
    add_item(site, DEY_BEGINS)  # Dey: the fourth quarter

    third = row_of(
        supervision_rows(for_user=director, period=Period(PeriodKind.QUARTER, 1403, 3)), org_a
    )
    year = row_of(supervision_rows(for_user=director, period=Period(PeriodKind.YEAR, 1403)), org_a)
    assert (third.own.current, third.own.previous) == (2, 0)
    assert (year.own.current, year.own.previous) == (3, 0)


def test_items_about_an_organisation_from_other_outlets_count_elsewhere(
    org_a: Organisation, director: User
) -> None:
    site, agency = own_site(org_a), SourceFactory.create()
    minister = WatchList.objects.create(
        name="مدیرکل", kind=WatchKind.PERSON, query="مدیرکل", organisation=org_a
    )
    office = WatchList.objects.create(
        name="اداره کل", kind=WatchKind.AGENCY, query="اداره کل", organisation=org_a
    )
    when = DEY_BEGINS - timedelta(days=3)
    interview = add_item(agency, when, organisation=org_a)
    interview.matches.create(watch_list=minister)
    interview.matches.create(watch_list=office)  # matched twice, counted once
    add_item(agency, when, organisation=org_a).matches.create(watch_list=office)
    add_item(agency, when)  # about nobody
    own = add_item(site, when)
    own.matches.create(watch_list=minister)  # its own site: counted as its own, not elsewhere

    row = row_of(supervision_rows(for_user=director, period=AZAR_1403), org_a)

    assert row.own.current == 1
    assert row.elsewhere.current == 2
    assert row.officials.current == 1
    assert row.last_elsewhere_at == when
    assert row.last_own_at == when


def test_a_site_silent_for_a_week_is_flagged_and_a_recent_one_is_not(
    governorate: Organisation, director: User
) -> None:
    quiet, busy, siteless, new, broken = (
        OrganisationFactory.create(parent=governorate, kind=OrganisationKind.COUNTY)
        for _ in range(5)
    )
    now = timezone.now()
    add_item(own_site(quiet), now - timedelta(days=SILENCE_DAYS, hours=1))
    add_item(own_site(busy), now - timedelta(days=2))
    SourceFactory.create()  # an outlet, not anyone's site
    own_site(new)  # registered just now, nothing yet
    broken_site = own_site(broken)
    add_item(broken_site, now - timedelta(days=20))
    SourceState.objects.filter(source=broken_site).update(consecutive_failures=6)

    rows = supervision_rows(for_user=director, period=Period.current("month"), now=now)

    assert (row_of(rows, quiet).silent, row_of(rows, quiet).silent_days) == (True, SILENCE_DAYS)
    assert (row_of(rows, busy).silent, row_of(rows, busy).silent_days) == (False, 2)
    assert (row_of(rows, siteless).silent, row_of(rows, siteless).silent_days) == (False, None)
    assert row_of(rows, new).silent is False
    assert (row_of(rows, broken).silent, row_of(rows, broken).feed_failing) == (True, True)
    # A site that never published counts its silence from when it was registered.
    later = supervision_rows(
        for_user=director, period=Period.current("month"), now=timezone.now() + timedelta(days=9)
    )
    assert (row_of(later, new).silent, row_of(later, new).silent_days) == (True, 9)


def test_a_paused_site_raises_no_silence_warning(org_a: Organisation, director: User) -> None:
    site = SourceFactory.create(
        kind=SourceKind.PROVINCIAL_SITE, organisation=org_a, is_active=False
    )
    add_item(site, timezone.now() - timedelta(days=30))
    row = row_of(supervision_rows(for_user=director, period=Period.current("month")), org_a)
    assert (row.sites, row.polled_sites, row.silent) == (1, 0, False)


def test_the_page_warns_of_silence_in_persian(org_a: Organisation, director_client: Client) -> None:
    add_item(own_site(org_a), timezone.now() - timedelta(days=12))
    with translation.override("fa"):
        page = director_client.get(reverse("monitoring:supervision")).content.decode()
        expected = translation.ngettext("Silent for %(days)s day", "Silent for %(days)s days", 12)
    assert expected % {"days": "۱۲"} in page
    assert 'class="row-silent"' in page


def test_an_agency_officer_sees_only_their_own_row(
    org_a: Organisation, org_b: Organisation, author: User, director: User
) -> None:
    add_item(own_site(org_a), DEY_BEGINS - timedelta(days=1))
    add_item(own_site(org_b), DEY_BEGINS - timedelta(days=1))

    assert [r.organisation for r in supervision_rows(for_user=author, period=AZAR_1403)] == [org_a]
    seen_by_director = supervision_rows(for_user=director, period=AZAR_1403)
    assert {r.organisation for r in seen_by_director} == {org_a, org_b}

    page = client_for(author).get(reverse("monitoring:supervision")).content.decode()
    assert org_a.name_fa in page
    assert org_b.name_fa not in page
    sheet = read_sheet(client_for(author).get(reverse("monitoring:supervision_export")).content)
    names = [row[0] for row in sheet.rows[3:]]
    assert names == [org_a.name_fa]


def test_a_county_governor_sees_the_county_and_the_agencies_under_it(
    governorate: Organisation, org_a: Organisation
) -> None:
    county = OrganisationFactory.create(parent=governorate, kind=OrganisationKind.COUNTY)
    local = OrganisationFactory.create(parent=county, kind=OrganisationKind.AGENCY)
    governor = UserFactory.create(organisation=county, roles=[Role.COUNTY_GOVERNOR])
    rows = supervision_rows(for_user=governor, period=AZAR_1403)
    assert {r.organisation for r in rows} == {county, local}


def test_people_without_a_supervising_role_are_refused(org_a: Organisation) -> None:
    nobody = UserFactory.create(organisation=org_a)
    client = client_for(nobody)
    assert client.get(reverse("monitoring:supervision")).status_code == 403
    assert client.get(reverse("monitoring:supervision_export")).status_code == 403


def test_rows_sort_by_the_chosen_column_and_reverse_when_asked(
    governorate: Organisation, director_client: Client
) -> None:
    counts = {"کرج": 1, "پاکدشت": 3, "ری": 2}
    for name, count in counts.items():
        county = OrganisationFactory.create(
            parent=governorate, kind=OrganisationKind.COUNTY, name_fa=f"فرمانداری {name}"
        )
        site = own_site(county)
        for _ in range(count):
            add_item(site, timezone.now() - timedelta(hours=1))

    def order(**params: str) -> list[str]:
        page = director_client.get(reverse("monitoring:supervision"), params).content.decode()
        return re.findall(r'<th scope="row">فرمانداری (\S+)</th>', page)

    assert order() == ["پاکدشت", "ری", "کرج"]  # by name, in Persian dictionary order
    assert order(sort="own") == ["پاکدشت", "ری", "کرج"]
    assert order(sort="own", order="asc") == ["کرج", "ری", "پاکدشت"]
    assert order(sort="name", order="desc") == ["کرج", "ری", "پاکدشت"]
    assert order(sort="nonsense") == ["پاکدشت", "ری", "کرج"]


def test_the_period_defaults_to_the_current_month_and_never_passes_the_current_one() -> None:
    now = datetime(2024, 12, 25, 12, tzinfo=UTC)  # 5 Dey 1403
    assert chosen_period("", now=now) == DEY_1403
    assert chosen_period("not a period", now=now) == DEY_1403
    assert chosen_period("1403-09", now=now) == AZAR_1403
    assert chosen_period("۱۴۰۳-Q2", now=now) == Period(PeriodKind.QUARTER, 1403, 2)
    assert chosen_period("1404-01", now=now) == DEY_1403
    assert chosen_period("1405", now=now) == Period(PeriodKind.YEAR, 1403)


def test_the_page_offers_the_period_before_and_after_and_the_lengths(
    director_client: Client, org_a: Organisation
) -> None:
    with translation.override("fa"):
        page = director_client.get(
            reverse("monitoring:supervision"), {"period": "1403-09"}
        ).content.decode()
        assert "آذر ۱۴۰۳" in page
        assert "?period=1403-08" in page
        assert "?period=1403-10" in page
        assert "?period=1403-Q3" in page
        assert "?period=1403-H2" in page
        assert '"?period=1403"' in page
        assert translation.gettext("Back to the current period") in page


def test_the_excel_export_has_persian_headers_and_digits_and_escapes_formulas(
    governorate: Organisation, director: User
) -> None:
    hostile = OrganisationFactory.create(
        parent=governorate, kind=OrganisationKind.AGENCY, name_fa='=HYPERLINK("http://x","y")'
    )
    site = own_site(hostile)
    add_item(site, DEY_BEGINS - timedelta(days=2))
    add_item(site, DEY_BEGINS - timedelta(days=35))
    client = client_for(director)
    with translation.override("fa"):
        response = client.get(reverse("monitoring:supervision_export"), {"period": "1403-09"})
        organisation_header = translation.gettext("Organisation")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="supervision-1403-09.xlsx"'
    sheet = read_sheet(response.content)
    header = sheet.rows[2]
    assert header[0] == organisation_header != "Organisation"
    assert "آذر ۱۴۰۳" in header[2]
    assert "آبان ۱۴۰۳" in header[3]
    row = next(r for r in sheet.rows[3:] if "HYPERLINK" in r[0])
    assert row[0] == "'" + hostile.name_fa
    assert row[2:5] == ["1", "1", "0"]  # numbers stay numbers, shown in Persian digits
    assert any(code.startswith(PERSIAN_DIGITS) for code in sheet.number_formats)
    assert re.fullmatch(r"[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2} [۰-۹]{2}:[۰-۹]{2}", row[8])
    assert sheet.right_to_left
    assert "۱۴۰۳" in sheet.rows[0][0]
    event = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert (event.user, event.detail["period"]) == (director, "1403-09")


def test_the_page_makes_the_same_few_queries_however_many_organisations(
    governorate: Organisation, director_client: Client, django_assert_max_num_queries: Any
) -> None:
    def add_county() -> None:
        county = OrganisationFactory.create(parent=governorate, kind=OrganisationKind.COUNTY)
        add_item(own_site(county), timezone.now() - timedelta(days=1))
        add_item(SourceFactory.create(), timezone.now(), organisation=county)

    add_county()
    director_client.get(reverse("monitoring:supervision"))
    with django_assert_max_num_queries(15) as few:
        director_client.get(reverse("monitoring:supervision"))
    for _ in range(6):
        add_county()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = director_client.get(reverse("monitoring:supervision")).content.decode()
    assert page.count("data-organisation=") == 7


def test_rows_are_in_the_alphabetical_order_of_the_language_shown(
    governorate: Organisation, director: User
) -> None:
    for persian, english in (("گرمسار", "Aaa county"), ("پاکدشت", "Zzz county")):
        OrganisationFactory.create(
            parent=governorate, kind=OrganisationKind.COUNTY, name_fa=persian, name_en=english
        )
    with translation.override("fa"):
        persian_order = [
            r.organisation.name for r in supervision_rows(for_user=director, period=AZAR_1403)
        ]
    with translation.override("en"):
        english_order = [
            r.organisation.name for r in supervision_rows(for_user=director, period=AZAR_1403)
        ]
    assert persian_order.index("پاکدشت") < persian_order.index("گرمسار")
    assert english_order.index("Aaa county") < english_order.index("Zzz county")

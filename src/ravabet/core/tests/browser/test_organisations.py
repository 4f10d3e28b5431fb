"""The organisations directory in the browser: the kind filter narrows the rows in place."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ravabet.core import selectors
from ravabet.core.models import Organisation, OrganisationKind, User
from ravabet.core.tests.browser.conftest import PageLog
from ravabet.core.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


def test_kind_filter_narrows_the_organisation_rows_without_reloading_the_page(
    *,
    page: Page,
    page_log: PageLog,
    live_server: LiveServer,
    governorate: Organisation,
    org_a: Organisation,
    org_b: Organisation,
    director: User,
    sign_in: Callable[[Page, User], None],
) -> None:
    county = OrganisationFactory.create(
        parent=governorate, kind=OrganisationKind.COUNTY, name_fa="فرمانداری شهرستان ری"
    )
    everyone = selectors.organisations_visible(for_user=director).count()
    assert everyone == 5
    sign_in(page, director)
    list_url = live_server.url + reverse("core:organisation_list")
    page.goto(list_url)
    rows = page.locator("#organisation-rows tr")
    expect(rows).to_have_count(everyone)
    # A full page load would wipe this mark; an htmx swap keeps it.
    page.evaluate("window.ravabetTestMark = 'same page'")

    with page.expect_request(lambda r: "kind=county" in r.url) as filtered:
        page.locator("#kind").select_option(OrganisationKind.COUNTY)
    assert filtered.value.headers.get("hx-request") == "true"
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(county.name_fa)
    expect(page).to_have_url(f"{list_url}?kind=county")
    assert page.evaluate("window.ravabetTestMark") == "same page"

    page.locator("#kind").select_option("")
    expect(rows).to_have_count(everyone)
    assert page.evaluate("window.ravabetTestMark") == "same page"
    assert page_log.problems == []

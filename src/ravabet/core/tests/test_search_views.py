"""The search page and the top bar's results-as-you-type: Persian typed any way finds the same
records with highlighted snippets, each person sees only what they may, bad filters change
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from ravabet.core.models import Organisation, User
from ravabet.core.search.backends.tantivy_index import release_index
from ravabet.core.search.indexing import rebuild
from ravabet.core.search.registry import sources
from ravabet.core.tests.factories import OrganisationFactory


@pytest.fixture
def indexed(
    settings: Any, tmp_path: Path, org_a: Organisation, org_b: Organisation, director: User
) -> Iterator[None]:
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    OrganisationFactory.create(
        parent=org_a, name_fa="ادارهٔ میراث‌فرهنگی شهرستان ری", code="heritage-rey"
    )
    OrganisationFactory.create(
        parent=org_b, name_fa="ادارهٔ میراث‌فرهنگی شهرستان شمیرانات", code="heritage-shemiran"
    )
    for label in sources():
        rebuild(label)
    yield
    release_index()


def hits(client: Client, query: str, **params: str) -> list[str]:
    """The titles of the results as the page shows them (with their <mark> tags)."""
    response = client.get(reverse("core:search"), {"q": query, **params})
    assert response.status_code == 200
    return [str(hit.hit.title) for hit in response.context["rows"]]


@pytest.mark.usefixtures("indexed")
def test_arabic_and_persian_yeh_find_the_same_records_with_highlights(
    director_client: Client,
) -> None:
    persian = hits(director_client, "استانداری")
    assert persian
    assert persian == hits(director_client, "استانداري")
    assert persian == hits(director_client, "اِستانداریِ")
    assert any("<mark>استانداری</mark> تهران" in title for title in persian)


@pytest.mark.usefixtures("indexed")
def test_a_phrase_with_and_without_the_half_space_finds_the_same_records(
    director_client: Client,
) -> None:
    with_zwnj = hits(director_client, '"میراث‌فرهنگی شهرستان"', module="organisations")
    assert len(with_zwnj) == 2
    assert hits(director_client, '"میراث فرهنگی شهرستان"', module="organisations") == with_zwnj
    assert hits(director_client, '"ميراث‌فرهنگي شهرستان"', module="organisations") == with_zwnj
    page = director_client.get(reverse("core:search"), {"q": "میراث فرهنگی"}).content.decode()
    assert "<mark>میراث‌فرهنگی</mark>" in page


@pytest.mark.usefixtures("indexed")
def test_agency_officer_finds_only_their_own_organisations_records(
    author_client: Client, outsider_client: Client
) -> None:
    assert hits(author_client, "میراث*") == ["ادارهٔ <mark>میراث‌فرهنگی</mark> شهرستان ری"]
    assert hits(outsider_client, "میراث*") == ["ادارهٔ <mark>میراث‌فرهنگی</mark> شهرستان شمیرانات"]
    assert hits(author_client, "شمیرانات") == []


@pytest.mark.usefixtures("indexed")
def test_the_audit_trail_is_searched_only_by_those_who_may_read_it(
    author_client: Client, director_client: Client
) -> None:
    audit = gettext("Audit log")
    director_page = director_client.get(reverse("core:search"), {"q": "میراث*"})
    assert audit in {row.module for row in director_page.context["rows"]}
    author_page = author_client.get(reverse("core:search"), {"q": "میراث*", "module": "audit"})
    assert author_page.context["rows"] == []
    assert audit not in {row.module for row in author_page.context["rows"]}


@pytest.mark.usefixtures("indexed")
def test_the_top_bar_box_answers_with_a_short_list_and_a_link_to_every_result(
    director_client: Client,
) -> None:
    response = director_client.get(
        reverse("core:search"), {"q": "میراث", "suggest": "1"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert 'data-testid="search-suggest"' in page
    assert "<html" not in page
    assert len(response.context["rows"]) <= 6
    assert reverse("core:search") + "?q=" in page


@pytest.mark.usefixtures("indexed")
def test_a_bad_date_gets_a_persian_message_and_leaves_the_address_bar(
    director_client: Client,
) -> None:
    response = director_client.get(
        reverse("core:search"),
        {"q": "میراث", "date_from": "۱۴۰۵/۱۳/۰۱"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/search/?q=x"},
    )
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "false"
    assert response.context["results"] is None
    assert 'data-testid="search-errors"' in response.content.decode()


@pytest.mark.usefixtures("indexed")
def test_module_facet_links_narrow_the_results_to_that_module(director_client: Client) -> None:
    response = director_client.get(reverse("core:search"), {"q": "میراث*"})
    facets = {f.label: f for f in response.context["facets"]["module"]}
    organisations = facets[gettext("Organisations")]
    assert organisations.count == 2
    narrowed = director_client.get(reverse("core:search") + organisations.url)
    assert {row.module for row in narrowed.context["rows"]} == {gettext("Organisations")}


@pytest.mark.usefixtures("indexed")
def test_result_links_open_the_record(director_client: Client) -> None:
    response = director_client.get(
        reverse("core:search"), {"q": "شمیرانات", "module": "organisations"}
    )
    (row,) = response.context["rows"]
    assert director_client.get(row.url).status_code == 200


@pytest.mark.usefixtures("indexed")
def test_a_page_of_results_costs_a_fixed_number_of_queries(
    director_client: Client, governorate: Organisation
) -> None:
    for n in range(25):
        OrganisationFactory.create(parent=governorate, name_fa=f"ستاد شماره {n}", code=f"s{n}")
    rebuild("organisations")
    director_client.get(reverse("core:search"), {"q": "ستاد"})  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = director_client.get(reverse("core:search"), {"q": "ستاد"})
    assert len(response.context["rows"]) == 20
    assert len(queries) <= 12


def test_signed_out_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("core:search"), {"q": "استانداری"})
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]

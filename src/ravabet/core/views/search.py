"""Search across every module: the page with filters and facets, and the top bar's
results-as-you-type box, both from one view (htmx partials)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from ravabet.core.forms.search import SearchForm
from ravabet.core.models import User
from ravabet.core.search.registry import SearchSource
from ravabet.core.search.service import SearchHit, SearchResults, search, searchable_sources
from ravabet.lib import jalali

SUGGESTIONS = 6


@dataclass
class Result:
    hit: SearchHit
    module: str
    url: str
    # Further hits on this page leading to the same place (copies of one news story).
    more: int = 0


@dataclass(frozen=True)
class FacetValue:
    label: str
    count: int
    url: str
    active: bool


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    suggest = request.GET.get("suggest") == "1"
    form = SearchForm(request.GET, user=user)
    results: SearchResults | None = None
    if form.is_valid() and (form.cleaned_data["q"].strip() or form.has_filters):
        results = search(
            form.cleaned_data["q"],
            user=user,
            filters=form.filters(),
            order=form.cleaned_data.get("order") or "relevance",
            page=1 if suggest else form.cleaned_data.get("page") or 1,
            per_page=SUGGESTIONS if suggest else 20,
        )
    context = {
        "form": form,
        "results": results,
        "rows": _rows(results, user),
        "facets": _facets(results, request.GET, user) if results and not suggest else {},
        "page_links": _page_links(results, request.GET) if results and not suggest else {},
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    if suggest:
        response = render(request, "core/partials/search_suggest.html", context)
    elif htmx and not htmx.history_restore_request:
        response = render(request, "core/partials/search_results.html", context)
        if not form.is_valid():
            response["HX-Push-Url"] = "false"
    else:
        response = render(request, "core/search.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _rows(results: SearchResults | None, user: User) -> list[Result]:
    """One row per place a hit leads to: copies of a story on this page fold into the first."""
    if results is None:
        return []
    visible = searchable_sources(user)
    rows: list[Result] = []
    by_url: dict[str, Result] = {}
    for hit in results.hits:
        source = visible.get(hit.label)
        if source is None:
            continue
        url = source.url_of(hit.instance)
        if url and url in by_url:
            by_url[url].more += 1
            continue
        row = Result(hit=hit, module=str(source.display_title), url=url)
        rows.append(row)
        if url:
            by_url[url] = row
    return rows


def _with(params: QueryDict, **changes: str | list[str] | None) -> str:
    """The current query string with ``changes`` applied (None removes) and the page reset."""
    query = params.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if isinstance(value, list):
            query.setlist(name, value)
        elif value:
            query[name] = value
    return "?" + urlencode(sorted(query.lists()), doseq=True)


def _facets(results: SearchResults, params: QueryDict, user: User) -> dict[str, list[FacetValue]]:
    """The facet counts as links that narrow (or, when active, widen) the search."""
    visible = searchable_sources(user)
    chosen_modules = params.getlist("module")
    modules = [
        FacetValue(
            label=str(visible[label].display_title),
            count=count,
            url=_with(params, module=None if label in chosen_modules else [label]),
            active=label in chosen_modules,
        )
        for label, count in results.facets.get("module", {}).items()
        if label in visible
    ]
    months = []
    for code, count in sorted(results.facets.get("month", {}).items(), reverse=True):
        try:
            period = jalali.Period.parse(code)
        except jalali.JalaliParseError:
            continue
        months.append(
            FacetValue(
                label=code,
                count=count,
                url=_with(
                    params,
                    date_from=jalali.format_date(period.start, persian=False),
                    date_to=jalali.format_date(period.end, persian=False),
                ),
                active=False,
            )
        )
    chosen_source = params.get("source", "")
    sources = [
        FacetValue(
            label=_source_label(value, visible),
            count=count,
            url=_with(params, source=None if value == chosen_source else value),
            active=value == chosen_source,
        )
        for value, count in results.facets.get("source", {}).items()
    ]
    return {"module": modules, "month": months, "source": sources}


def _source_label(value: str, visible: dict[str, SearchSource]) -> str:
    """A source code as its module shows it (each module names its own codes)."""
    for source in visible.values():
        label = source.display_source(value)
        if label != value:
            return label
    return value


def _page_links(results: SearchResults, params: QueryDict) -> dict[str, str]:
    links = {}
    if results.page > 1:
        links["previous"] = _with(params, page=str(results.page - 1))
    if results.has_next:
        links["next"] = _with(params, page=str(results.page + 1))
    return links

"""The search index: documents derived from the rows, visibility by organisation and module,
the reference evaluator agreeing with tantivy on generated Persian data, snippets, facets,
filters, updates after commit, rebuilds and the drift check."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jdatetime
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ravabet.core.management.commands.worker import JobWorker
from ravabet.core.models import (
    AuditEntry,
    Notification,
    Organisation,
    SearchBacklogEntry,
    User,
)
from ravabet.core.scheduler import register_kernel_schedules, run_due_schedules
from ravabet.core.search.backends import reference
from ravabet.core.search.backends.tantivy_index import get_index, release_index
from ravabet.core.search.documents import build_document, document_key, documents_of
from ravabet.core.search.highlight import SNIPPET_CHARS, highlight
from ravabet.core.search.indexing import (
    FLUSH_DELAY,
    check_drift,
    flush_backlog,
    index_later_many,
    index_rows,
    live_updates_paused,
    rebuild,
)
from ravabet.core.search.query import Term, parse_query
from ravabet.core.search.registry import (
    SearchField,
    SearchSource,
    Weight,
    get_source,
    register,
    sources,
    unregister,
)
from ravabet.core.search.service import SearchFilters, restriction_for, search
from ravabet.core.tests.factories import OrganisationFactory

INDEX_TASK = "ravabet.core.search.indexing.update_search_index"

# Words of organisation names, each with the spellings people and news feeds actually use:
# Arabic yeh and kaf, with and without the zero-width non-joiner, three kinds of digits.
VOCABULARY = {
    "اداره": ["اداره"],
    "کل": ["کل", "كل"],
    "آموزش": ["آموزش", "اموزش"],
    "پرورش": ["پرورش"],
    "کمیته": ["کمیته", "كميته", "کميته"],
    "شورای": ["شورای", "شوراي"],
    "اطلاع‌رسانی": ["اطلاع‌رسانی", "اطلاعرسانی", "اطلاع‌رساني"],
    "ورزش": ["ورزش"],
    "جوانان": ["جوانان"],
    "بهداشت": ["بهداشت"],
    "درمان": ["درمان"],
    "میراث": ["میراث", "ميراث"],
    "فرهنگی": ["فرهنگی", "فرهنگي"],
    "گردشگری": ["گردشگری", "گردشگري"],
    "شهرستان": ["شهرستان"],
    "شهرداری": ["شهرداری", "شهرداري"],
    "۱۴۰۵": ["۱۴۰۵", "1405", "١٤٠٥"],
    "ری": ["ری", "ري"],
}
WORDS = list(VOCABULARY)
FIXED_QUERIES = [
    "آموزش",
    "اموزش",
    "كميته",
    "کمیته ۱۴۰۵",
    "1405",
    '"آموزش و پرورش"',
    # A phrase's pairs with a common word are index terms, the others are matched by positions:
    # a two-word phrase of each kind, and one mixing both.
    '"و پرورش"',
    '"اداره کل"',
    '"اداره کل آموزش و پرورش"',
    '"شورای اطلاع‌رسانی"',
    '"شوراي اطلاعرساني"',
    "ورزش OR جوانان",
    "ورزش OR جوانان -کمیته",
    "-کمیته",
    "شهر*",
    "اطلاع*",
    "میراث فرهنگی گردشگری",
    '"میراث فرهنگی" -"فرهنگی گردشگری"',
    "ری",
    "ري*",
    "کل OR",
    '"کل',
    "هیچ‌چیز",
    "",
]


@pytest.fixture
def search_index(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    yield tmp_path / "search"
    release_index()


def spell(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(VOCABULARY[w]) for w in words)


def make_corpus(parents: list[Organisation], *, count: int, seed: int = 1405) -> None:
    """``count`` organisations with generated Persian names spread over ``parents``; each one's
    creation is an audit entry, dated over the last year."""
    rng = random.Random(seed)
    for i in range(count):
        words = rng.sample(WORDS, rng.randint(2, 5))
        name = spell(rng, words)
        if rng.random() < 0.25:
            name = f"{name} {spell(rng, ['آموزش'])} و {spell(rng, ['پرورش'])}"
        org = OrganisationFactory.create(parent=rng.choice(parents), name_fa=name, code=f"gen-{i}")
        moment = datetime(2025, 1 + (i % 12), 1 + i % 27, 9, tzinfo=UTC)
        AuditEntry.objects.filter(object_id=str(org.pk), action__endswith="created").update(
            at=moment
        )


def random_queries(count: int, seed: int = 14) -> list[str]:
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 3)):
            word = spell(rng, [rng.choice(WORDS)])
            shape = rng.random()
            if shape < 0.15:
                parts.append(f"-{word}")
            elif shape < 0.3:
                parts.append(f"{word} OR {spell(rng, [rng.choice(WORDS)])}")
            elif shape < 0.45:
                parts.append(f'"{spell(rng, rng.sample(WORDS, 2))}"')
            elif shape < 0.55:
                parts.append(word[: rng.randint(2, 4)] + "*")
            else:
                parts.append(word)
        queries.append(" ".join(parts))
    return queries


@pytest.fixture
def corpus(search_index: Path, director: User, author: User, outsider: User) -> None:
    # The personas come first: the director's own directorate must be indexed too.
    governorate = director.organisation.parent
    assert governorate is not None
    make_corpus([governorate, author.organisation, outsider.organisation], count=60)
    for label in sources():
        rebuild(label)


def keys_found(query: str, user: User, filters: SearchFilters | None = None) -> set[str]:
    restriction = restriction_for(user, filters or SearchFilters())
    return get_index().matching_keys(parse_query(query), restriction)


def keys_expected(query: str, user: User, filters: SearchFilters | None = None) -> set[str]:
    restriction = restriction_for(user, filters or SearchFilters())
    return reference.matching_keys(parse_query(query), restriction)


# --- Documents --------------------------------------------------------------------------------


def test_a_document_holds_normalised_terms_keyed_by_label_and_id(org_a: Organisation) -> None:
    org = OrganisationFactory.create(parent=org_a, name_fa="كميته ورزش ١٤٠٥", code="sport")
    document = build_document(get_source("organisations"), org)
    assert document.key == f"organisations:{org.pk}"
    assert document.organisation_id == org.pk
    assert "کمیته" in document.text(get_source("organisations").fields[0].weight)
    assert "1405" in document.text(get_source("organisations").fields[0].weight)


def test_an_audit_entry_document_belongs_to_its_organisation_and_month(
    org_a: Organisation,
) -> None:
    entry = AuditEntry.objects.filter(object_id=str(org_a.pk)).get()
    AuditEntry.objects.filter(pk=entry.pk).update(at=datetime(2026, 3, 21, 12, tzinfo=UTC))
    entry.refresh_from_db()
    document = build_document(get_source("audit"), entry)
    assert document.organisation_id == org_a.pk
    assert document.month == "1405-01"
    assert document.source == "core.organisation"


# --- The index agrees with the reference evaluator ----------------------------------------------


@pytest.mark.usefixtures("corpus")
def test_index_and_reference_find_the_same_documents_for_every_query(director: User) -> None:
    assert all(check_drift(label).is_clean for label in sources())
    restriction = restriction_for(director, SearchFilters())
    documents = [d for label in sorted(restriction.labels) for d in documents_of(get_source(label))]
    non_empty = 0
    for raw in FIXED_QUERIES + random_queries(150):
        query = parse_query(raw)
        expected = reference.matching_keys(query, restriction, documents)
        assert get_index().matching_keys(query, restriction) == expected, raw
        non_empty += bool(expected)
    # The comparison means something only if most queries match something.
    assert non_empty > 100


@pytest.mark.usefixtures("corpus")
def test_index_and_reference_agree_under_visibility_and_filters(
    author: User, director: User, org_b: Organisation
) -> None:
    cases = [
        (author, SearchFilters()),
        (director, SearchFilters(modules=("audit",))),
        (director, SearchFilters(organisations=(org_b.pk,))),
        # Past ANY_OF_TERMS values the index filters with a term set instead of a union.
        (director, SearchFilters(organisations=(org_b.pk, *range(10**6, 10**6 + 100)))),
        (director, SearchFilters(date_from=date(2025, 5, 1), date_to=date(2025, 9, 30))),
        (director, SearchFilters(sources=("agency", "core.organisation"))),
        (director, SearchFilters(date_from=date(2025, 8, 1))),
    ]
    for user, filters in cases:
        for raw in ["آموزش", "کمیته OR شورای", "-ورزش", "", "شهر*"]:
            assert keys_found(raw, user, filters) == keys_expected(raw, user, filters), (
                raw,
                filters,
            )


@pytest.mark.usefixtures("corpus")
def test_every_spelling_of_a_word_finds_the_same_documents(director: User) -> None:
    for spellings in VOCABULARY.values():
        found = [keys_found(spelling, director) for spelling in spellings]
        assert found[0]
        assert all(keys == found[0] for keys in found)


# --- Visibility ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("search_index")
def test_outsider_cannot_find_another_agencys_records(
    author: User, outsider: User, director: User, org_a: Organisation
) -> None:
    OrganisationFactory.create(parent=org_a, name_fa="کمیته محرمانه آموزش", code="secret")
    for label in sources():
        rebuild(label)
    assert search("محرمانه", user=outsider).total == 0
    assert search("محرمانه", user=outsider).hits == []
    assert [h.label for h in search("محرمانه", user=author).hits] == ["organisations"]
    assert {h.label for h in search("محرمانه", user=director).hits} == {"organisations", "audit"}


@pytest.mark.usefixtures("search_index")
def test_only_the_audit_log_roles_search_the_audit_trail(author: User, director: User) -> None:
    OrganisationFactory.create(name_fa="دفتر ویژه", code="special")
    for label in sources():
        rebuild(label)
    assert "audit" not in search("ویژه", user=author).facets.get("module", {})
    assert search("ویژه", user=director).facets["module"] == {"audit": 1, "organisations": 1}


@pytest.mark.usefixtures("search_index")
def test_a_hit_whose_row_moved_out_of_sight_is_not_shown_before_reindexing(
    author: User, org_a: Organisation, org_b: Organisation
) -> None:
    moved = OrganisationFactory.create(parent=org_a, name_fa="واحد جابجا", code="moved")
    rebuild("organisations")
    assert search("جابجا", user=author).total == 1
    Organisation.objects.filter(pk=moved.pk).delete()
    # The index still holds the key until the update job runs; the page drops the hit.
    assert search("جابجا", user=author).hits == []


# --- Ranking, snippets, facets ------------------------------------------------------------------


@pytest.mark.usefixtures("search_index")
def test_newer_records_rank_first_among_equally_relevant_ones(director: User) -> None:
    old = OrganisationFactory.create(name_fa="نمایشگاه کتاب", code="book-old")
    new = OrganisationFactory.create(name_fa="نمایشگاه کتاب", code="book-new")
    now = timezone.now()
    AuditEntry.objects.filter(object_id=str(old.pk)).update(at=now.replace(year=now.year - 2))
    rebuild("audit")
    filters = SearchFilters(modules=("audit",))
    for order in ("relevance", "newest"):
        hits = search("نمایشگاه", user=director, filters=filters, order=order).hits
        assert [h.instance.object_id for h in hits] == [str(new.pk), str(old.pk)]


@pytest.mark.usefixtures("search_index")
def test_a_title_is_escaped_and_its_matching_words_are_marked(director: User) -> None:
    OrganisationFactory.create(name_fa="<b>نشست</b> شوراي شهر", code="markup")
    rebuild("organisations")
    hit = search(
        "شورای نشست", user=director, filters=SearchFilters(modules=("organisations",))
    ).hits[0]
    assert hit.title == "&lt;b&gt;<mark>نشست</mark>&lt;/b&gt; <mark>شوراي</mark> شهر"


def test_a_long_snippet_is_cut_around_the_first_match() -> None:
    text = " ".join(["متن"] * 100 + ["سیل"] + ["ادامه"] * 100)
    snippet = highlight(text, [Term("سیل")], max_chars=80)
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "<mark>سیل</mark>" in snippet
    assert len(snippet) < 120


def test_a_prefix_marks_every_word_it_starts() -> None:
    assert highlight("آموزش و آموزشگاه", [Term("اموز", prefix=True)]) == (
        "<mark>آموزش</mark> و <mark>آموزشگاه</mark>"
    )


@pytest.mark.usefixtures("search_index")
def test_snippets_read_only_the_texts_that_hold_a_term_and_are_the_same(director: User) -> None:
    """The index tells which hits' texts after the title hold a query term; the others'
    snippets are their openings, unread. Each snippet is what reading the whole text gives."""
    titled = SearchSource(
        label="titled",
        model=Notification,
        fields=(SearchField("title", Weight.A), SearchField("body", Weight.C)),
        organisation="recipient__organisation",
    )
    register(titled)
    try:
        rng = random.Random(7)
        for i in range(80):
            title = spell(rng, rng.sample(WORDS, rng.randint(1, 3)))
            body = " ".join(spell(rng, rng.sample(WORDS, 4)) for _ in range(rng.randint(1, 30)))
            Notification.objects.create(
                recipient=director, kind="test", title=title, body=body, idempotency_key=f"t{i}"
            )
        rebuild("titled")
        only = SearchFilters(modules=("titled",))
        skipped = marked = 0
        for raw in FIXED_QUERIES + random_queries(150):
            query = parse_query(raw)
            page = get_index().search(
                query,
                restriction_for(director, only),
                newest_first=False,
                offset=0,
                limit=20,
                now=0,
            )
            holding = page.holding(query.terms(), [Weight.C])
            for hit in search(raw, user=director, filters=only, per_page=20).hits:
                whole = highlight(hit.instance.body, query.terms(), max_chars=SNIPPET_CHARS)
                assert hit.snippet == whole, raw
                skipped += hit.key not in holding
                marked += "<mark>" in hit.snippet
                if hit.key not in holding:
                    assert "<mark>" not in whole, raw
        # Both kinds were met: texts left unread and texts with marks.
        assert skipped > 50
        assert marked > 100
    finally:
        unregister("titled")


@pytest.mark.usefixtures("corpus")
def test_facets_count_every_visible_match_per_module_month_and_source(director: User) -> None:
    results = search("آموزش", user=director, per_page=5)
    expected = keys_expected("آموزش", director)
    assert results.total == len(expected)
    assert len(results.hits) == 5
    assert sum(results.facets["module"].values()) == len(expected)
    audit_keys = {k for k in expected if k.startswith("audit:")}
    assert sum(results.facets["month"].values()) == len(audit_keys)
    assert all(len(month) == 7 and month.startswith("140") for month in results.facets["month"])


@pytest.mark.usefixtures("corpus")
def test_pages_do_not_overlap_and_cover_every_hit(director: User) -> None:
    total = search("آموزش", user=director).total
    seen: list[str] = []
    for page in range(1, total // 7 + 2):
        seen += [h.key for h in search("آموزش", user=director, page=page, per_page=7).hits]
    assert len(seen) == len(set(seen)) == total


@pytest.mark.usefixtures("corpus")
def test_an_empty_query_lists_everything_visible_newest_first(author: User) -> None:
    results = search("", user=author, per_page=200)
    assert results.total == len(keys_expected("", author))
    stamps = [h.timestamp for h in results.hits]
    assert stamps == sorted(stamps, reverse=True)


# --- Updates, rebuilds and drift ----------------------------------------------------------------


def run_index_jobs(task: str = INDEX_TASK) -> int:
    worker = JobWorker(queue_names=["default"], interval=0, worker_id="test-worker", once=True)
    rows = list(DBTaskResult.objects.filter(task_path=task, status="READY"))
    for row in rows:
        row.claim(worker.worker_id)
        worker.run_task(row)
    return len(rows)


@pytest.mark.usefixtures("search_index")
def test_a_saved_row_is_indexed_by_a_job_after_the_commit(
    director: User, django_capture_on_commit_callbacks: Any
) -> None:
    DBTaskResult.objects.filter(task_path=INDEX_TASK).delete()
    org = OrganisationFactory.create(name_fa="ستاد بحران", code="crisis")
    assert search("بحران", user=director).total == 0
    assert run_index_jobs() == 2  # the organisation and its audit entry
    assert {h.key for h in search("بحران", user=director).hits} == {
        document_key("organisations", org.pk),
        document_key("audit", AuditEntry.objects.get(object_id=str(org.pk)).pk),
    }
    org.name_fa = "ستاد مدیریت"
    org.save()
    run_index_jobs()
    assert (
        search("بحران", user=director, filters=SearchFilters(modules=("organisations",))).total == 0
    )
    org.delete()
    run_index_jobs()
    assert (
        search("مدیریت", user=director, filters=SearchFilters(modules=("organisations",))).total
        == 0
    )


FLUSH_TASK = "ravabet.core.search.indexing.flush_search_backlog"


def backlog() -> list[tuple[str, str]]:
    return list(SearchBacklogEntry.objects.values_list("label", "object_id"))


@pytest.mark.usefixtures("search_index")
def test_bulk_writes_join_the_backlog_with_their_transaction(director: User) -> None:
    with live_updates_paused():
        kept = OrganisationFactory.create(name_fa="ستاد خبری", code="kept")
        lost = OrganisationFactory.create(name_fa="ستاد رفته", code="lost")

    def failing_writer() -> None:
        with transaction.atomic():
            index_later_many("organisations", [lost.pk])
            raise RuntimeError  # the writer's transaction fails: nothing joins the backlog

    with pytest.raises(RuntimeError):
        failing_writer()
    assert not DBTaskResult.objects.filter(task_path=FLUSH_TASK).exists()
    with transaction.atomic():
        index_later_many("organisations", [kept.pk])
    assert backlog() == [("organisations", str(kept.pk))]
    # The flush job commits with the backlog it is for.
    assert DBTaskResult.objects.filter(task_path=FLUSH_TASK).count() == 1
    # It runs a moment later, so that the writes finishing meanwhile share its commit.
    run_after = DBTaskResult.objects.get(task_path=FLUSH_TASK).run_after
    assert run_after is not None
    assert timedelta(0) < run_after - timezone.now() <= FLUSH_DELAY
    assert search("خبری", user=director).total == 0
    assert flush_backlog() == 1
    assert backlog() == []
    assert {h.key for h in search("خبری", user=director).hits} == {
        document_key("organisations", kept.pk)
    }


@pytest.mark.usefixtures("search_index")
def test_one_flush_indexes_many_writers_rows_and_forgets_the_deleted(director: User) -> None:
    with live_updates_paused():
        rows = [OrganisationFactory.create(name_fa=f"پایگاه {n}", code=f"p{n}") for n in range(5)]
    for row in rows:
        index_later_many("organisations", [row.pk])
    index_later_many("organisations", [rows[0].pk])  # changed twice: indexed once
    assert flush_backlog() == 5
    assert search("پایگاه", user=director).total == 5
    gone = rows[1].pk
    with live_updates_paused():
        rows[1].delete()
    index_later_many("organisations", [gone])
    index_later_many("retired-module", ["7"])  # a module no app declares any more
    assert flush_backlog() == 0
    assert backlog() == []
    assert document_key("organisations", gone) not in get_index().keys("organisations")
    assert search("پایگاه", user=director).total == 4


@pytest.mark.usefixtures("search_index")
def test_a_flush_takes_the_backlog_a_batch_at_a_time_and_leaves_the_rest(db: None) -> None:
    with live_updates_paused():
        rows = [OrganisationFactory.create(name_fa=f"دفتر {n}", code=f"d{n}") for n in range(5)]
    index_later_many("organisations", [row.pk for row in rows])
    assert flush_backlog(batch=2, batches=2) == 4
    assert backlog() == [("organisations", str(rows[4].pk))]
    assert flush_backlog(batch=2) == 1
    assert get_index().keys("organisations") >= {
        document_key("organisations", row.pk) for row in rows
    }


def test_bulk_loads_leave_no_backlog(db: None) -> None:
    with live_updates_paused():
        index_later_many("organisations", ["1", "2"])
    assert backlog() == []


@pytest.mark.usefixtures("search_index")
def test_a_schedule_flushes_what_a_lost_flush_job_left(db: None) -> None:
    with live_updates_paused():
        row = OrganisationFactory.create(name_fa="ستاد فرماندهی", code="hq")
    # Its writer committed, and the flush job it enqueued was lost with its worker.
    SearchBacklogEntry.objects.create(label="organisations", object_id=str(row.pk))
    register_kernel_schedules()
    assert "flush-search-backlog" in run_due_schedules()
    assert run_index_jobs(FLUSH_TASK) == 1
    assert backlog() == []
    assert document_key("organisations", row.pk) in get_index().keys("organisations")


@pytest.mark.usefixtures("search_index")
def test_reindexing_the_same_rows_twice_changes_nothing(director: User) -> None:
    org = OrganisationFactory.create(name_fa="کانون پرورش فکری", code="kanoon")
    index_rows("organisations", [str(org.pk)])
    index_rows("organisations", [str(org.pk)])
    assert get_index().keys("organisations") == {document_key("organisations", org.pk)}
    assert search("کانون", user=director).total == 1


@pytest.mark.usefixtures("search_index")
def test_the_drift_check_names_missing_and_extra_ids(governorate: Organisation) -> None:
    kept = OrganisationFactory.create(parent=governorate, name_fa="واحد ماندگار", code="kept")
    gone = OrganisationFactory.create(parent=governorate, name_fa="واحد رفته", code="gone")
    for label in sources():
        rebuild(label)
    gone_key = document_key("organisations", gone.pk)
    gone.delete()
    late = OrganisationFactory.create(parent=governorate, name_fa="واحد تازه", code="late")
    drift = check_drift("organisations")
    assert drift.missing == {document_key("organisations", late.pk)}
    assert drift.extra == {gone_key}
    assert document_key("organisations", kept.pk) not in drift.missing


@pytest.mark.usefixtures("search_index")
def test_reindex_check_fails_on_drift_and_a_rebuild_touches_only_its_module(
    governorate: Organisation, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("reindex")
    assert check_drift("audit").is_clean
    late = OrganisationFactory.create(parent=governorate, name_fa="واحد تازه", code="late")
    late_entry = AuditEntry.objects.get(object_id=str(late.pk))
    with pytest.raises(CommandError):
        call_command("reindex", "--check")
    output = capsys.readouterr().out
    assert f"organisations: 1 missing: organisations:{late.pk}" in output
    assert f"audit: 1 missing: audit:{late_entry.pk}" in output

    call_command("reindex", "organisations")
    assert check_drift("organisations").is_clean
    assert check_drift("audit").missing == {document_key("audit", late_entry.pk)}
    call_command("reindex", "audit")
    call_command("reindex", "--check")
    assert "organisations: in step" in capsys.readouterr().out


@pytest.mark.usefixtures("search_index")
def test_a_full_reindex_removes_the_indexes_of_earlier_schema_versions(
    governorate: Organisation, capsys: pytest.CaptureFixture[str]
) -> None:
    current = get_index().path
    earlier = current.parent / "v1"
    (earlier / "segment").mkdir(parents=True)
    (earlier / "segment" / "postings").write_bytes(b"x" * 100)
    unrelated = current.parent / "notes"
    unrelated.mkdir()
    newer = current.parent / "v99"  # a deployment being upgraded beside this one
    newer.mkdir()
    call_command("reindex", "organisations")
    assert earlier.is_dir()  # a partial rebuild leaves them
    call_command("reindex")
    assert "v1: an earlier version's index removed (100 bytes)" in capsys.readouterr().out
    assert not earlier.exists()
    assert current.is_dir()
    assert unrelated.is_dir()  # only index folders are touched
    assert newer.is_dir()
    assert document_key("organisations", governorate.pk) in get_index().keys("organisations")


def test_reindex_refuses_an_unknown_module() -> None:
    with pytest.raises(CommandError, match="Unknown search module"):
        call_command("reindex", "newsroom")


@pytest.mark.usefixtures("search_index")
def test_a_full_reindex_removes_documents_of_a_module_no_app_declares(
    director: User, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("reindex")
    ghost = get_index().replace(
        [
            replace(d, label="ghost", key=f"ghost:{d.object_id}")
            for d in documents_of(get_source("organisations"))
        ]
    )
    assert ghost
    with pytest.raises(CommandError):
        call_command("reindex", "--check")
    assert f"ghost: {ghost} extra documents of an undeclared module" in capsys.readouterr().out
    # Until then its documents are counted (a search over every module has no module filter)
    # but never shown: no source, no row.
    assert "ghost" not in {h.label for h in search("تهران", user=director).hits}
    call_command("reindex")
    call_command("reindex", "--check")
    assert "ghost" not in get_index().labels()
    assert search("تهران", user=director).total == 2


@pytest.mark.usefixtures("search_index")
def test_a_jalali_date_range_keeps_the_records_of_those_days(director: User) -> None:
    first = OrganisationFactory.create(name_fa="جشنواره نوروز", code="nowruz-1")
    second = OrganisationFactory.create(name_fa="جشنواره نوروز", code="nowruz-2")
    # 1 Farvardin 1405 is 21 March 2026. Tehran is UTC+3:30: 21:00 UTC on the 20th is already
    # the 1st there, 22:00 UTC on the 21st already the 2nd.
    AuditEntry.objects.filter(object_id=str(first.pk)).update(
        at=datetime(2026, 3, 20, 21, 0, tzinfo=UTC)
    )
    AuditEntry.objects.filter(object_id=str(second.pk)).update(
        at=datetime(2026, 3, 21, 22, 0, tzinfo=UTC)
    )
    rebuild("audit")
    day_one = SearchFilters(
        modules=("audit",),
        date_from=jdatetime.date(1405, 1, 1),
        date_to=jdatetime.date(1405, 1, 1),
    )
    hits = search("نوروز", user=director, filters=day_one).hits
    assert [h.instance.object_id for h in hits] == [str(first.pk)]
    assert keys_found("نوروز", director, day_one) == keys_expected("نوروز", director, day_one)


@pytest.mark.usefixtures("search_index")
def test_tags_filter_alike_in_the_index_and_the_reference(director: User) -> None:
    tagged = SearchSource(
        label="tagged",
        model=Organisation,
        fields=(SearchField("name_fa", Weight.A),),
        tags=lambda organisation: [organisation.kind, "all"],
    )
    register(tagged)
    try:
        OrganisationFactory.create(name_fa="ستاد نوروزی", code="staff", kind="directorate")
        OrganisationFactory.create(name_fa="ستاد اقامه نماز", code="prayer", kind="agency")
        rebuild("tagged")
        for tags in (("directorate",), ("agency", "directorate"), ("all",), ("none",)):
            filters = SearchFilters(modules=("tagged",), tags=tags)
            assert keys_found("ستاد", director, filters) == keys_expected("ستاد", director, filters)
        only = SearchFilters(modules=("tagged",), tags=("agency",))
        assert [h.instance.code for h in search("ستاد", user=director, filters=only).hits] == [
            "prayer"
        ]
    finally:
        unregister("tagged")


@pytest.mark.usefixtures("search_index")
def test_a_phrase_never_runs_from_one_field_into_the_next(director: User) -> None:
    OrganisationFactory.create(name_fa="دفتر امور بانوان", name_en="Women Affairs", code="women")
    rebuild("organisations")
    only = SearchFilters(modules=("organisations",))
    assert search('"امور بانوان"', user=director, filters=only).total == 1
    assert search('"بانوان women"', user=director, filters=only).total == 0
    assert keys_found('"بانوان women"', director, only) == set()
    assert keys_expected('"بانوان women"', director, only) == set()


@pytest.mark.usefixtures("search_index")
def test_a_second_writer_waits_for_the_first_instead_of_failing(director: User) -> None:
    """Another worker process holding the index (simulated by holding the lock through a
    separate open file) makes a write wait, not fail; it lands once the lock is free."""
    import fcntl
    import threading

    from ravabet.core.search.backends.tantivy_index import WRITER_LOCK

    org = OrganisationFactory.create(name_fa="ستاد اقامه نماز", code="namaz")
    document = build_document(get_source("organisations"), org)
    index = get_index()
    done = threading.Event()

    def write() -> None:
        index.replace([document])
        done.set()

    with (index.path / WRITER_LOCK).open("a") as other_process:
        fcntl.flock(other_process, fcntl.LOCK_EX)
        writer = threading.Thread(target=write)
        writer.start()
        assert not done.wait(0.5)
        fcntl.flock(other_process, fcntl.LOCK_UN)
    writer.join(10)
    assert done.is_set()
    assert search("اقامه", user=director).total == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("search_index")
def test_a_flush_reads_its_backlog_only_once_it_holds_the_index() -> None:
    """Two workers' flush jobs due at once: the second waits for the first and then finds the
    backlog empty, instead of indexing the same rows again."""
    import fcntl
    import threading

    from django.db import connections

    from ravabet.core.search.backends.tantivy_index import WRITER_LOCK

    with live_updates_paused():
        org = OrganisationFactory.create(name_fa="ستاد اقامه نماز", code="namaz")
    index_later_many("organisations", [org.pk])
    index = get_index()
    written: list[int] = []

    def flush() -> None:
        try:
            written.append(flush_backlog())
        finally:
            connections.close_all()

    workers = [threading.Thread(target=flush) for _ in range(2)]
    with (index.path / WRITER_LOCK).open("a") as other_process:
        fcntl.flock(other_process, fcntl.LOCK_EX)
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(0.3)
        # Neither has read the backlog and indexed it while the index was held elsewhere.
        assert backlog() == [("organisations", str(org.pk))]
        fcntl.flock(other_process, fcntl.LOCK_UN)
    for worker in workers:
        worker.join(20)
    assert sorted(written) == [0, 1]
    assert backlog() == []

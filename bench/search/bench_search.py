"""Search benchmark: the site's own search path on SQLite and PostgreSQL, beside raw tantivy and
raw SQLite FTS5 on the same Persian corpus.

How to run (on demand, never in the test suite)::

    .venv/bin/pip install -e '.[bench]'          # wordfreq: the Persian word frequencies
    .venv/bin/python bench/search/bench_search.py --articles 100000
    .venv/bin/python bench/search/bench_search.py --articles 1000000 \\
        --postgres postgres://postgres@127.0.0.1:5432/bench_search

The corpus (``corpus.py``) is seeded: words and frequencies from wordfreq's Persian list folded
with our ``search_key``, titles and bodies drawn from that Zipf distribution, plus the 900 real
Fars articles from ``../shared/data/fars-news/`` when present. Each engine runs in its own
process on the same corpus and queries:

- ours: rows in a bench-only app's table (``searchbench``, added to ``INSTALLED_APPS`` in this
  process only), registered as a ``SearchSource``, indexed by ``indexing.rebuild`` and searched
  through ``service.search`` (top 10 with highlighted snippets and facets) as a province-wide
  user and as an agency officer; once on an SQLite file, once on PostgreSQL when ``--postgres``
  is given (the database named there is dropped and created, and must start with ``bench``);
- raw tantivy: a plain schema, default tokenizer on pre-normalised text, top-10 BM25; built
  first, then measured alone in its own process and, for the ratios, in each of our query
  processes, taking turns with ours query by query (these machines' speed drifts by half within
  minutes: a peer measured at another time is no yardstick);
- raw SQLite FTS5: ``unicode61``, ``ORDER BY bm25() LIMIT 10`` on pre-normalised text.

Prints a table and writes ``bench/results/search.json`` with the machine and every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import corpus

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ORGANISATIONS = len(corpus.organisation_tree())
BATCH_SIZES = (1, 100, 1000)
BATCH_REPEAT = 5
BREAKDOWN_ROWS = 50_000

# --- shared helpers --------------------------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
    }


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Milliseconds taken by ``function()`` and what it returned."""
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000, value


def generate(config: dict[str, Any]) -> Iterator[corpus.Article]:
    vocab = corpus.vocabulary()
    real = corpus.real_articles() if config["real"] else []
    return corpus.articles(
        config["articles"],
        vocab,
        organisations=ORGANISATIONS,
        real=real,
        body_words=config["body_words"],
    )


def measure_queries(
    queries: dict[str, list[str]],
    runs: dict[str, Callable[[str, str], Any]],
    warmup: int,
    before: Callable[[str], None] = lambda who: None,
) -> dict[str, list[dict[str, Any]]]:
    """p50/p95 of each of ``runs`` (``run(query, who)``) per query class and person, after
    ``warmup`` queries of each class and person; ``before(who)`` runs untimed ahead of each
    query; a run returns a dict of extra figures (hits…).

    The runs take turns on each query, the one going first alternating: what slows the machine
    for a while (these are shared machines) slows them alike, so their ratio holds. Every
    warm-up query runs before any is measured: a fresh process's one-off costs (its first
    touches of the index files and tables, first compilations) would otherwise all fall on
    whichever class happens to be measured first."""
    names = list(runs)
    for texts in queries.values():
        for who in ("province", "agency"):
            for text in texts[:warmup]:
                for name in names:
                    before(who)
                    runs[name](text, who)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for kind, texts in queries.items():
        for who in ("province", "agency"):
            samples: dict[str, list[float]] = {name: [] for name in names}
            extras: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
            for i, text in enumerate(texts):
                for name in names if i % 2 == 0 else names[::-1]:
                    before(who)
                    run = runs[name]
                    ms, extra = timed(lambda run=run, text=text, who=who: run(text, who))  # type: ignore[misc]
                    samples[name].append(ms)
                    extras[name].append(extra or {})
            for name in names:
                row: dict[str, Any] = {"query": kind, "who": who, **percentiles(samples[name])}
                for figure in extras[name][0]:
                    row[f"median_{figure}"] = statistics.median(e[figure] for e in extras[name])
                rows[name].append(row)
    return rows


# --- ours: the site's own search path --------------------------------------------------------


def setup_django(data_dir: Path, database_url: str) -> None:
    os.environ["RAVABET_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "ravabet.settings"
    os.environ.setdefault("RAVABET_LOG_LEVEL", "WARNING")
    from django.conf import settings

    # The bench app exists in this process only; the product's settings never list it.
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "searchbench"]
    import django

    django.setup()


def create_people() -> dict[str, Any]:
    """The 300 organisations, a province-wide PR director and an agency officer."""
    from django.contrib.auth.models import Group

    from ravabet.core.models import Organisation, User
    from ravabet.core.models.users import Role

    pks: list[int] = []
    for index, (kind, parent) in enumerate(corpus.organisation_tree()):
        organisation = Organisation.objects.create(
            kind=kind,
            code=f"bench-{index}",
            name_fa=f"سازمان نمونه {index}",
            parent_id=pks[parent] if parent is not None else None,
        )
        pks.append(organisation.pk)
    people = {}
    for who, role, index in (
        ("province", Role.PR_DIRECTOR, 0),
        ("agency", Role.AGENCY_OFFICER, corpus.AGENCY),
    ):
        user = User.objects.create(username=f"bench-{who}", organisation_id=pks[index])
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        people[who] = user.pk
    return {"organisation_pks": pks, "people": people}


def load_rows(config: dict[str, Any], organisation_pks: list[int]) -> float:
    """Insert the corpus as rows; returns seconds."""
    from django.db import transaction
    from searchbench.models import Article

    started = time.perf_counter()
    batch: list[Article] = []

    def flush() -> None:
        with transaction.atomic():
            Article._default_manager.bulk_create(batch, batch_size=1000)
        batch.clear()

    for article in generate(config):
        batch.append(
            Article(
                organisation_id=organisation_pks[article.organisation],
                title=article.title,
                body=article.body,
                published_at=datetime.fromtimestamp(article.published_at, UTC),
                source=article.source,
                tags=",".join(article.tags),
            )
        )
        if len(batch) >= 20_000:
            flush()
    flush()
    return time.perf_counter() - started


def run_ours(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work)
    config = json.loads((work / "config.json").read_text(encoding="utf-8"))
    engine = "postgresql" if args.database.startswith("postgres") else "sqlite"
    data_dir = work / f"data-{engine}"
    data_dir.mkdir(exist_ok=True)
    setup_django(data_dir, args.database)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", run_syncdb=True, verbosity=0)
    made = create_people()
    load_seconds = load_rows(config, made["organisation_pks"])
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE searchbench_article")
            # The load's dirty pages written out now, not by the checkpointer during the queries.
            cursor.execute("CHECKPOINT")
    print(f"[{engine}] {config['articles']:,} rows loaded in {load_seconds:.0f} s", flush=True)

    result: dict[str, Any] = {"engine": engine, "load_seconds": round(load_seconds, 1)}
    result |= measure_rebuild(engine, config["articles"])
    result |= measure_breakdown(config["articles"])
    # Searches are served by a web process, not by the one that has just rebuilt the index
    # (which holds gigabytes of the rebuild's leftovers): they are measured in a fresh one.
    asked = ("--database", args.database, "--warmup", str(args.warmup))
    result["queries"] = phase(work, "queries", *asked)["queries"]
    result["incremental"] = measure_incremental()
    return result


def run_queries(args: argparse.Namespace) -> dict[str, Any]:
    """The searches of ``run_ours``, in a process of their own on the database it filled."""
    work = Path(args.work)
    queries: dict[str, list[str]] = json.loads((work / "queries.json").read_text("utf-8"))
    engine = "postgresql" if args.database.startswith("postgres") else "sqlite"
    setup_django(work / f"data-{engine}", args.database)
    import ravabet.wsgi  # noqa: F401 (the process starts as the site's WSGI application does)

    return {"queries": measure_search(queries, args.warmup, work / "raw-tantivy")}


def measure_rebuild(engine: str, articles: int) -> dict[str, Any]:
    """``indexing.rebuild`` of the articles from the database, as ``ravabet reindex`` runs it."""
    from searchbench.search import LABEL

    from ravabet.core.search import indexing
    from ravabet.core.search.backends.tantivy_index import get_index
    from ravabet.core.search.registry import sources

    load_before = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()
    indexed = indexing.rebuild(LABEL)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    load_after = os.getloadavg()[0]
    for label in sources():
        if label != LABEL:
            indexing.rebuild(label)
    index = get_index()
    assert index.labels().get(LABEL) == articles == indexed
    size = sum(p.stat().st_size for p in index.path.rglob("*") if p.is_file())
    print(
        f"[{engine}] rebuilt {indexed:,} in {seconds:.0f} s ({indexed / seconds:,.0f}/s,"
        f" {cpu / indexed * 1e6:.0f} µs CPU each), index {size / 1e6:,.0f} MB",
        flush=True,
    )
    return {
        "rebuild_seconds": round(seconds, 1),
        "rebuild_articles_per_s": round(indexed / seconds),
        # CPU of every thread of the process (tantivy's writers included), per article: what
        # the rebuild costs whatever else the machine runs.
        "rebuild_cpu_us_per_article": round(cpu / indexed * 1e6),
        "rebuild_load_average": [round(load_before, 2), round(load_after, 2)],
        "index_segments": index.searcher().num_segments,
        "index_bytes": size,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def measure_breakdown(articles: int) -> dict[str, Any]:
    """Where a rebuild's CPU goes, per article, on the first rows: reading them, building
    their documents (folding the text), and turning those into tantivy documents."""
    from searchbench.search import LABEL

    from ravabet.core.search.backends.tantivy_index import get_index
    from ravabet.core.search.documents import build_document
    from ravabet.core.search.registry import get_source

    source = get_source(LABEL)
    index = get_index()
    sample = min(BREAKDOWN_ROWS, articles)
    cpu = time.process_time()
    rows = list(source.rows().order_by("pk")[:sample].iterator(chunk_size=1000))
    read = time.process_time() - cpu
    documents = [build_document(source, row) for row in rows]
    build = time.process_time() - cpu - read
    for document in documents:
        index._document(document)
    convert = time.process_time() - cpu - read - build
    return {
        "breakdown_rows": sample,
        "breakdown_cpu_us_per_article": {
            "read_rows": round(read / sample * 1e6),
            "build_documents": round(build / sample * 1e6),
            "tantivy_documents": round(convert / sample * 1e6),
        },
    }


def measure_search(
    queries: dict[str, list[str]], warmup: int, raw_folder: Path
) -> list[dict[str, Any]]:
    """``service.search`` end to end (top 10, snippets, facets, rows read back), the index
    alone, and raw tantivy (its index in ``raw_folder``) on the same queries, taking turns, per
    query class, for a province-wide user and an agency officer."""
    from ravabet.core.accounts import AccountBackend
    from ravabet.core.models import User
    from ravabet.core.scoping import visible_organisation_ids
    from ravabet.core.search.backends.tantivy_index import get_index
    from ravabet.core.search.query import parse_query
    from ravabet.core.search.service import SearchFilters, restriction_for, search

    pks = {who: User.objects.get(username=f"bench-{who}").pk for who in ("province", "agency")}
    agency_visible = visible_organisation_ids(User.objects.get(pk=pks["agency"]))
    assert agency_visible is not None
    assert len(agency_visible) == 5
    users: dict[str, User] = {}

    def fetch_user(who: str) -> None:
        # Each query gets the user object a request would: read afresh by the site's sign-in
        # backend (with the roles and organisations it loads for every page), nothing cached.
        user = AccountBackend().get_user(pks[who])
        assert user is not None
        users[who] = user

    def end_to_end(text: str, who: str) -> dict[str, Any]:
        results = search(text, user=users[who], per_page=10)
        if who == "agency":
            # The visibility rule holds: an officer sees only their agency's articles.
            assert all(hit.instance.organisation_id in agency_visible for hit in results.hits)
        marked = sum("<mark>" in hit.title + hit.snippet for hit in results.hits)
        return {"hits": results.total, "shown": len(results.hits), "marked": marked}

    index = get_index()
    restrictions = {
        who: restriction_for(User.objects.get(pk=pk), SearchFilters()) for who, pk in pks.items()
    }

    def index_only(text: str, who: str) -> dict[str, Any]:
        page = index.search(
            parse_query(text),
            restrictions[who],
            newest_first=False,
            offset=0,
            limit=10,
            now=time.time(),
        )
        return {"hits": page.total}

    measured = measure_queries(
        queries,
        {"ours": end_to_end, "index": index_only, "raw": raw_tantivy(raw_folder)},
        warmup,
        fetch_user,
    )
    rows = measured["ours"]
    for row, index_row, raw_row in zip(rows, measured["index"], measured["raw"], strict=True):
        row["index_p50_ms"] = index_row["p50_ms"]
        row["index_p95_ms"] = index_row["p95_ms"]
        row["raw_tantivy_p50_ms"] = raw_row["p50_ms"]
        row["raw_tantivy_p95_ms"] = raw_row["p95_ms"]
    return rows


def measure_incremental() -> list[dict[str, Any]]:
    """``indexing.index_rows`` as the update job runs it: a batch of ids, one commit."""
    from searchbench.models import Article
    from searchbench.search import LABEL

    from ravabet.core.search import indexing

    rng = random.Random(7)  # noqa: S311 (which rows, not secrets)
    ids = list(Article._default_manager.values_list("pk", flat=True)[:200_000])
    found = []
    for size in BATCH_SIZES:
        samples = []
        for _ in range(BATCH_REPEAT):
            wanted = [str(pk) for pk in rng.sample(ids, size)]
            started = time.perf_counter()
            indexing.index_rows(LABEL, wanted)
            samples.append((time.perf_counter() - started) * 1000)
        median_ms = statistics.median(samples)
        found.append(
            {
                "batch": size,
                "median_ms": round(median_ms, 1),
                "articles_per_s": round(size / median_ms * 1000),
            }
        )
    return found


# --- peers: raw tantivy and raw SQLite FTS5 --------------------------------------------------


def normalised_corpus(config: dict[str, Any], path: Path) -> float:
    """Write ``id, organisation, title, body`` pre-normalised, one article a line; seconds."""
    from ravabet.core.search.text import search_tokens

    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        for i, article in enumerate(generate(config), start=1):
            title = " ".join(search_tokens(article.title))
            body = " ".join(search_tokens(article.body))
            out.write(f"{i}\t{article.organisation}\t{title}\t{body}\n")
    return time.perf_counter() - started


def read_corpus(path: Path) -> Iterator[tuple[int, int, str, str]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            pk, organisation, title, body = line.rstrip("\n").split("\t")
            yield int(pk), int(organisation), title, body


def agency_organisations() -> list[int]:
    return sorted(corpus.visible_from(corpus.organisation_tree(), corpus.AGENCY))


def _raw_schema() -> Any:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True)
    builder.add_integer_field("org", indexed=True)
    builder.add_text_field("title")
    builder.add_text_field("body")
    return builder.build()


def build_tantivy(path: Path, folder: Path) -> dict[str, Any]:
    """Raw tantivy: a plain schema, default tokenizer, the pre-normalised corpus."""
    import tantivy

    folder.mkdir()
    index = tantivy.Index(_raw_schema(), path=str(folder))
    started = time.perf_counter()
    writer = index.writer()
    count = 0
    for pk, organisation, title, body in read_corpus(path):
        writer.add_document(tantivy.Document(id=pk, org=organisation, title=title, body=body))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    build_seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return {
        "build_seconds": round(build_seconds, 1),
        "articles_per_s": round(count / build_seconds),
        "index_bytes": size,
    }


def raw_tantivy(folder: Path) -> Callable[[str, str], dict[str, Any]]:
    """Top-10 BM25 on the raw tantivy index in ``folder``: our parsed query as plain tantivy
    queries (title boosted 4×), the agency's organisations as a filter."""
    import tantivy

    from ravabet.core.search.query import Or, Phrase, Query, Term, parse_query

    schema = _raw_schema()
    index = tantivy.Index(schema, path=str(folder))
    searcher = index.searcher()
    fields = (("title", 4.0), ("body", 1.0))

    def atom(item: Term | Phrase) -> Any:
        parts = []
        for field, boost in fields:
            if isinstance(item, Phrase):
                query = tantivy.Query.phrase_query(schema, field, list(item.terms))
            elif item.prefix:
                query = tantivy.Query.regex_query(schema, field, item.text + ".*")
            else:
                query = tantivy.Query.term_query(schema, field, item.text)
            parts.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
        return tantivy.Query.boolean_query(parts)

    def clause(item: Term | Phrase | Or) -> Any:
        if isinstance(item, Or):
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, atom(a)) for a in item.alternatives]
            )
        return atom(item)

    agency = tantivy.Query.term_set_query(schema, "org", agency_organisations())

    def compile_query(query: Query, who: str) -> Any:
        parts = [(tantivy.Occur.Must, clause(c)) for c in query.include]
        parts += [(tantivy.Occur.MustNot, clause(c)) for c in query.exclude]
        if who == "agency":
            parts.append((tantivy.Occur.Must, tantivy.Query.const_score_query(agency, 0.0)))
        return tantivy.Query.boolean_query(parts)

    def run(text: str, who: str) -> dict[str, Any]:
        result = searcher.search(compile_query(parse_query(text), who), 10, count=False)
        ids = [searcher.doc(address)["id"][0] for _, address in result.hits]
        return {"shown": len(ids)}

    return run


def fts5_query(text: str) -> str:
    """Our parsed query in FTS5's syntax, every term quoted."""
    from ravabet.core.search.query import Or, Phrase, Term, parse_query

    def atom(item: Term | Phrase) -> str:
        if isinstance(item, Phrase):
            return '"' + " ".join(item.terms) + '"'
        return f'"{item.text}"' + ("*" if item.prefix else "")

    def clause(item: Term | Phrase | Or) -> str:
        if isinstance(item, Or):
            return "(" + " OR ".join(atom(a) for a in item.alternatives) + ")"
        return atom(item)

    query = parse_query(text)
    match = " AND ".join(clause(c) for c in query.include)
    for excluded in query.exclude:
        match = f"({match}) NOT {clause(excluded)}"
    return match


def run_fts5(path: Path, database: Path, queries: dict[str, list[str]], warmup: int) -> Any:
    db = sqlite3.connect(database, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-20000"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, org UNINDEXED)")
    started = time.perf_counter()
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO docs(rowid, org, title, body) VALUES (?, ?, ?, ?)", read_corpus(path)
    )
    db.execute("COMMIT")
    inserted = time.perf_counter()
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    build_seconds = time.perf_counter() - started
    count = db.execute("SELECT count(*) FROM docs").fetchone()[0]
    agency = ",".join(str(o) for o in agency_organisations())
    ranked = "ORDER BY bm25(docs, 4.0, 1.0) LIMIT 10"

    def run(text: str, who: str) -> dict[str, Any]:
        where = "docs MATCH ?" + (f" AND org IN ({agency})" if who == "agency" else "")
        found = db.execute(f"SELECT rowid FROM docs WHERE {where} {ranked}", (fts5_query(text),))  # noqa: S608 (no outside input)
        return {"shown": len(found.fetchall())}

    return {
        "build_seconds": round(build_seconds, 1),
        "optimize_seconds": round(build_seconds - (inserted - started), 1),
        "articles_per_s": round(count / build_seconds),
        "index_bytes": database.stat().st_size,
        "queries": measure_queries(queries, {"fts5": run}, warmup)["fts5"],
    }


def run_peers(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work)
    config = json.loads((work / "config.json").read_text(encoding="utf-8"))
    queries: dict[str, list[str]] = json.loads((work / "queries.json").read_text("utf-8"))
    normalised = work / "normalised.tsv"
    normalise_seconds = normalised_corpus(config, normalised)
    print(f"[peers] corpus normalised in {normalise_seconds:.0f} s", flush=True)
    tantivy_result = build_tantivy(normalised, work / "raw-tantivy")
    print(f"[peers] raw tantivy built in {tantivy_result['build_seconds']:.0f} s", flush=True)
    # Alone in its process too, for the table; the ratios use the turns taken beside ours.
    run = raw_tantivy(work / "raw-tantivy")
    tantivy_result["queries"] = measure_queries(queries, {"raw": run}, args.warmup)["raw"]
    fts5_result = run_fts5(normalised, work / "fts5.sqlite3", queries, args.warmup)
    print(f"[peers] FTS5 built in {fts5_result['build_seconds']:.0f} s", flush=True)
    return {
        "normalise_seconds": round(normalise_seconds, 1),
        "raw_tantivy": tantivy_result,
        "raw_fts5": fts5_result,
    }


# --- the run ---------------------------------------------------------------------------------


def postgres_database(url: str, *, create: bool) -> None:
    """Drop (and create) the benchmark's own database named in ``url``."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("bench"):
        raise SystemExit(f"--postgres must name a benchmark database (bench…), not {name!r}")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def machine() -> dict[str, Any]:
    from importlib.metadata import version

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "memory_gb": round(memory / 2**30, 1),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "tantivy": version("tantivy"),
        "wordfreq": version("wordfreq"),
    }


def phase(work: Path, name: str, *extra: str) -> dict[str, Any]:
    """Run one engine in a fresh process (its own Django settings and memory)."""
    out = work / f"result-{name}.json"
    command = [sys.executable, str(Path(__file__)), "--phase", name, "--work", str(work)]
    command += ["--out", str(out), *extra]
    subprocess.run(command, check=True)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def print_table(report: dict[str, Any]) -> None:
    ours = {run["engine"]: run for run in report["ours"]}
    peers = report["peers"]
    print()
    print(f"{report['articles']:,} articles ({report['real_articles']} real Fars)")
    print(f"{'indexing':<34}{'seconds':>9}{'articles/s':>12}{'MB':>8}")
    for engine, run in ours.items():
        mb = run["index_bytes"] / 1e6
        print(
            f"{'ours rebuild (' + engine + ')':<34}{run['rebuild_seconds']:>9}"
            f"{run['rebuild_articles_per_s']:>12,}{mb:>8,.0f}"
        )
        for batch in run["incremental"]:
            label = f"ours index_rows x{batch['batch']} ({engine})"
            print(f"{label:<34}{batch['median_ms'] / 1000:>9.2f}{batch['articles_per_s']:>12,}")
    for name in ("raw_tantivy", "raw_fts5"):
        peer = peers[name]
        print(
            f"{name.replace('_', ' ') + ' (pre-normalised)':<34}{peer['build_seconds']:>9}"
            f"{peer['articles_per_s']:>12,}{peer['index_bytes'] / 1e6:>8,.0f}"
        )
    print()
    engines = list(ours)
    head = f"{'query':<20}{'who':<9}"
    for engine in engines:
        head += f"{engine[:6] + ' p50':>12}{'p95':>7}{'tv95':>6}{'÷tv':>5}{'index95':>8}{'÷tv':>5}"
    head += f"{'tantivy p50':>12}{'p95':>6}{'fts5 p50':>10}{'p95':>8}{'hits':>9}"
    print(head)
    tantivy_rows = peers["raw_tantivy"]["queries"]
    fts5_rows = peers["raw_fts5"]["queries"]
    for i, first in enumerate(ours[engines[0]]["queries"]):
        line = f"{first['query']:<20}{first['who']:<9}"
        for engine in engines:
            row = ours[engine]["queries"][i]
            line += f"{row['p50_ms']:>12}{row['p95_ms']:>7}{row['raw_tantivy_p95_ms']:>6}"
            line += f"{row['ratio_p95_vs_raw_tantivy']:>5}"
            line += f"{row['index_p95_ms']:>8}{row['index_ratio_p95_vs_raw_tantivy']:>5}"
        tv, fts = tantivy_rows[i], fts5_rows[i]
        line += f"{tv['p50_ms']:>12}{tv['p95_ms']:>6}{fts['p50_ms']:>10}{fts['p95_ms']:>8}"
        line += f"{int(first['median_hits']):>9,}"
        print(line)
    print(
        "tv95: raw tantivy's p95 taking turns with ours in the same process; ÷tv: p95 over it;"
        " index95: the index alone, no rows, no snippets;\ntantivy p50/p95: raw tantivy alone in"
        " its own process"
    )


def add_ratios(report: dict[str, Any]) -> None:
    """Each of our p95 (end to end and index alone) over raw tantivy's for the same queries,
    measured in turns with ours in the same process."""
    for run in report["ours"]:
        for row in run["queries"]:
            raw_p95, raw_p50 = row["raw_tantivy_p95_ms"], row["raw_tantivy_p50_ms"]
            row["ratio_p95_vs_raw_tantivy"] = round(row["p95_ms"] / raw_p95, 1)
            row["ratio_p50_vs_raw_tantivy"] = round(row["p50_ms"] / raw_p50, 1)
            row["index_ratio_p95_vs_raw_tantivy"] = round(row["index_p95_ms"] / raw_p95, 1)


def write_report(report: dict[str, Any], output: Path) -> None:
    add_ratios(report)
    print_table(report)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written {output}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--body-words", type=int, default=150, help="mean words per body")
    parser.add_argument("--per-class", type=int, default=40, help="queries per class")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured queries per class")
    parser.add_argument("--postgres", help="also run ours on this PostgreSQL database URL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip ours on SQLite")
    parser.add_argument("--no-real", action="store_true", help="leave the Fars articles out")
    parser.add_argument("--output", type=Path, default=ROOT / "bench/results/search.json")
    parser.add_argument("--work", help="working folder (default: a temporary one)")
    parser.add_argument(
        "--reprint", action="store_true", help="print --output's table again; measures nothing"
    )
    parser.add_argument("--phase", choices=("ours", "queries", "peers"), help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        runs = {"ours": run_ours, "queries": run_queries, "peers": run_peers}
        result = runs[args.phase](args)
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return
    if args.reprint:
        write_report(json.loads(args.output.read_text(encoding="utf-8")), args.output)
        return

    with tempfile.TemporaryDirectory(prefix="ravabet-bench-search-", dir=args.work) as folder:
        work = Path(folder)
        real = [] if args.no_real else corpus.real_articles()
        config = {"articles": args.articles, "body_words": args.body_words, "real": bool(real)}
        (work / "config.json").write_text(json.dumps(config), encoding="utf-8")
        vocab = corpus.vocabulary()
        sample_size = min(args.articles, 3000)
        sample = list(corpus.articles(sample_size, vocab, organisations=ORGANISATIONS, real=real))
        queries = corpus.queries(vocab, sample, args.per_class)
        (work / "queries.json").write_text(
            json.dumps(queries, ensure_ascii=False), encoding="utf-8"
        )
        started = time.perf_counter()
        # The peers first: each of our query processes runs raw tantivy's index beside its own.
        peers = phase(work, "peers")
        ours = []
        if not args.no_sqlite:
            sqlite_url = f"sqlite:///{work / 'ravabet.sqlite3'}"
            ours.append(phase(work, "ours", "--database", sqlite_url))
        if args.postgres:
            postgres_database(args.postgres, create=True)
            try:
                ours.append(phase(work, "ours", "--database", args.postgres))
            finally:
                postgres_database(args.postgres, create=False)
        total_seconds = time.perf_counter() - started

    report = {
        "articles": args.articles,
        "real_articles": min(len(real), args.articles // 2),
        "body_words": args.body_words,
        "vocabulary": len(vocab.words),
        "queries_per_class": args.per_class,
        "warmup_per_class": args.warmup,
        "example_queries": {kind: texts[:3] for kind, texts in queries.items()},
        "ours": ours,
        "peers": peers,
        "total_seconds": round(total_seconds),
        "machine": machine(),
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    write_report(report, args.output)


if __name__ == "__main__":
    main()

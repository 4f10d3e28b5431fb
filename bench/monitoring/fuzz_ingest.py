"""The ingest fuzz at the issue's size: 10,000 mutated feeds through parse → ingest (one in 25
polled over HTTP from a local server), valid control feeds between them.

Run on demand: ``.venv/bin/python bench/monitoring/fuzz_ingest.py [--cases 10000] [--postgres]``
(SQLite in a temporary data folder, or the database ``bench_monitoring_fuzz`` recreated on the
local PostgreSQL). The test
suite runs the same ``fuzz`` function on fewer cases
(``monitoring/tests/test_ingest_fuzz.py``). Prints what escaped, the control items missing or
wrong, and the stories whose counts disagree with their items; exits 1 if any. Writes its
entry (per database) in ``bench/results/monitoring_ingest_fuzz.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results" / "monitoring_ingest_fuzz.json"
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
PG_NAME = "bench_monitoring_fuzz"


def fresh_postgres(server: str) -> str:
    """The URL of ``PG_NAME`` on ``server``, dropped and created empty."""
    import psycopg

    with psycopg.connect(server + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_NAME}")
    return server + PG_NAME


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--start", type=int, default=0, help="first case number")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--postgres", nargs="?", const=POSTGRES, help="server URL ending in /")
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    if args.postgres:
        os.environ["DATABASE_URL"] = fresh_postgres(args.postgres)
    with tempfile.TemporaryDirectory(prefix="ravabet-fuzz-ingest-") as folder:
        os.environ["RAVABET_DATA_DIR"] = folder
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravabet.settings")
        os.environ["RAVABET_LOG_LEVEL"] = "ERROR"
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        from ravabet.monitoring.models import MonitoredItem
        from ravabet.monitoring.tests.conftest import NewsSite, _handler
        from ravabet.monitoring.tests.test_ingest_fuzz import fuzz, story_inconsistencies

        call_command("migrate", verbosity=0)
        site = NewsSite()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
        site.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings.MONITORING_FETCH_ALLOW = [f"127.0.0.1:{site.port}"]
        started = time.perf_counter()
        try:
            outcome = fuzz(args.cases, site=site, start=args.start)
        finally:
            server.shutdown()
            server.server_close()
        seconds = time.perf_counter() - started
        stored = dict(
            MonitoredItem.objects.filter(url__contains="://control").values_list("url", "title")
        )
        wrong_controls = sorted(
            url for url, title in outcome.controls.items() if stored.get(url) != title
        )
        extra_controls = sorted(set(stored) - set(outcome.controls))
        wrong_stories = story_inconsistencies()
        vendor = connection.vendor
    summary = {
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "database": vendor,
        "cases": args.cases,
        "first_case": args.start,
        "seconds": round(seconds, 1),
        "raised": len(outcome.raised),
        "damaged_items_stored": outcome.stored,
        "control_items": len(outcome.controls),
        "control_items_missing_or_wrong": len(wrong_controls),
        "control_items_extra": len(extra_controls),
        "inconsistent_stories": len(wrong_stories),
    }
    for case, error in outcome.raised[:20]:
        print(f"case {case}: {error}")
    print(json.dumps(summary, indent=2))
    if not args.no_write:
        # One entry per database, so the SQLite and PostgreSQL runs sit side by side.
        results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        results[vendor] = summary
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    failed = outcome.raised or wrong_controls or extra_controls or wrong_stories
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

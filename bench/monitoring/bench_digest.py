"""The morning digest's PDF: how long one edition of 100 stories takes to render (target ≤ 5 s).

Run on demand, never in the test suite::

    .venv/bin/python bench/monitoring/bench_digest.py [--stories 100] [--runs 5] [--keep out.pdf]

A fresh SQLite database in a temporary data folder gets 100 stories written from the Fars
articles in /work/shared/data/fars-news when present (synthetic sentences otherwise), spread
over the five sections by what they concern and their priority, each selected for the digest;
the edition is compiled and approved through the services. Then the PDF is rendered the way
delivery renders it (``render_edition_pdf``: the print template in Persian, our stylesheet and
Vazirmatn through the static-only fetcher): first in a fresh process, WeasyPrint's import timed
apart (what the first delivery of a worker pays once), then ``--runs`` times warm.
Prints a table and writes ``bench/results/monitoring_digest.json`` with the machine it ran on.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "monitoring_digest.json"
FARS = sorted(Path("/work/shared/data/fars-news").glob("*.json"))
TARGET_S = 5.0


def load_articles(limit: int) -> list[tuple[str, str]]:
    """(title, lead) of Fars articles, the lead being the abstract or the first paragraph."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path in FARS:
        for raw in json.loads(path.read_text(encoding="utf-8")):
            paragraphs = raw.get("paragraphs") or []
            if isinstance(paragraphs, str):
                text = paragraphs.strip()
                paragraphs = ast.literal_eval(text) if text.startswith("[") else [text]
            title = (raw.get("title") or "").strip()
            lead = (raw.get("abstract") or "").strip() or next(
                (p.strip() for p in paragraphs if isinstance(p, str) and p.strip()), ""
            )
            if title and lead and title not in seen:
                seen.add(title)
                found.append((title, lead))
            if len(found) >= limit:
                return found
    return found


def synthetic_articles(limit: int) -> list[tuple[str, str]]:
    sentence = (
        "استاندار تهران صبح امروز در بازدید از طرح‌های عمرانی شهرستان ری بر تکمیل به‌موقع "
        "تصفیه‌خانهٔ آب جنوب استان و آغاز بهره‌برداری از آن پیش از تابستان تأکید کرد."
    )
    return [(f"گزارش شمارهٔ {n} از طرح‌های عمرانی استان", sentence) for n in range(limit)]


def build_edition(stories: int) -> tuple[Any, str]:
    """An approved edition of ``stories`` stories over the five sections."""
    import hashlib

    from django.utils import timezone

    from ravabet.core.models import Organisation, Role, User
    from ravabet.lib.stories import fingerprint
    from ravabet.monitoring.models import (
        MonitoredItem,
        Priority,
        Source,
        SourceKind,
        Story,
        Triage,
        TriageStatus,
    )
    from ravabet.monitoring.services import digest

    articles = load_articles(stories) if FARS else []
    text_source = "fars-news" if len(articles) >= stories else "synthetic"
    if text_source == "synthetic":
        articles = synthetic_articles(stories)
    governorate = Organisation.objects.create(kind="governorate", code="gov", name_fa="استانداری")
    county = Organisation.objects.create(
        kind="county", code="rey", name_fa="فرمانداری ری", parent=governorate
    )
    agency = Organisation.objects.create(
        kind="agency", code="water", name_fa="آب منطقه‌ای", parent=governorate
    )
    concerns = [governorate, county, agency, None, None]
    director = User.objects.create(username="director", organisation=governorate)
    from django.contrib.auth.models import Group

    director.groups.add(Group.objects.get_or_create(name=Role.PR_DIRECTOR)[0])
    sources = [
        Source.objects.create(
            name=f"خبرگزاری {name}",
            kind=SourceKind.NEWS_AGENCY,
            feed_url=f"https://{slug}.example.ir/rss",
        )
        for name, slug in (("فارس", "fars"), ("ایرنا", "irna"), ("ایسنا", "isna"))
    ]
    now = timezone.now()
    for n, (title, lead) in enumerate(articles):
        story = Story.objects.create(
            title=title[:500],
            first_published_at=now,
            last_published_at=now,
            organisation=concerns[n % len(concerns)],
        )
        critical = n % 17 == 0
        Triage.objects.create(
            story=story,
            status=TriageStatus.KEPT,
            in_digest=True,
            priority=Priority.CRITICAL if critical else Priority.NORMAL,
            relevance=n % 4,
        )
        url = f"https://fars.example.ir/news/{n}"
        item = MonitoredItem.objects.create(
            source=sources[n % len(sources)],
            story=story,
            url=url,
            url_hash=hashlib.sha256(url.encode()).hexdigest(),
            title=title[:500],
            lead=lead,
            body_text=lead,
            fetched_at=now,
            at=now,
            published_at=now,
            content_hash=f"{n:016x}",
            fingerprint=fingerprint(title, lead).to_bytes(),
        )
        story.first_item = item
        story.save(update_fields=["first_item"])
    edition = digest.compile_edition(timezone.localdate())
    digest.approve_edition(edition, by=director)
    return edition, text_source


def page_count(pdf: bytes) -> int:
    """Pages, as poppler's pdfinfo reads them (0 when it is not installed)."""
    try:
        found = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return 0
    for line in found.stdout.decode().splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def run(args: argparse.Namespace) -> dict[str, Any]:
    """In a fresh process on a fresh database: build, then render cold and warm."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    edition, text_source = build_edition(args.stories)
    from ravabet.monitoring import digest_pdf

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    import ravabet.lib.pdf  # noqa: F401 (WeasyPrint's import, paid once per worker)

    imported = time.perf_counter() - started
    started = time.perf_counter()
    cold_pdf = digest_pdf.render_edition_pdf(edition)
    cold = time.perf_counter() - started
    warm, html_times = [], []
    pdf = cold_pdf
    for _ in range(args.runs):
        started = time.perf_counter()
        digest_pdf.edition_html(edition)
        html_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        pdf = digest_pdf.render_edition_pdf(edition)
        warm.append(time.perf_counter() - started)
    if args.keep:
        Path(args.keep).write_bytes(pdf)
    return {
        "stories": edition.entries.count(),
        "text_source": text_source,
        "pages": page_count(pdf),
        "pdf_bytes": len(pdf),
        "weasyprint_import_s": round(imported, 3),
        "cold_first_render_s": round(cold, 3),
        "warm_render_s": {
            "min": round(min(warm), 3),
            "median": round(statistics.median(warm), 3),
            "max": round(max(warm), 3),
        },
        "html_template_s_median": round(statistics.median(html_times), 4),
        "runs": args.runs,
        # The machine is shared: the one-minute load average when rendering started.
        "load_average_1min": round(load_before, 2),
    }


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import weasyprint

    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "weasyprint": weasyprint.__version__,
        "pango": pango_version(),
    }


def pango_version() -> str:
    found = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", "libpango-1.0-0"],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", help="also write the last PDF here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        Path(args.child).write_text(json.dumps(run(args)), encoding="utf-8")
        return
    with tempfile.TemporaryDirectory(prefix="ravabet-bench-digest-") as folder:
        env = {
            **os.environ,
            "RAVABET_DATA_DIR": folder,
            "DJANGO_SETTINGS_MODULE": "ravabet.settings",
            "RAVABET_LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        out = Path(folder) / "result.json"
        command = [sys.executable, __file__, "--child", str(out), *sys.argv[1:]]
        subprocess.run(command, env=env, check=True)
        result = json.loads(out.read_text(encoding="utf-8"))
    result = {"machine": machine(), "target_s": TARGET_S, **result}
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    warm = result["warm_render_s"]
    rows = [
        ("stories", str(result["stories"])),
        ("text", result["text_source"]),
        ("pages", str(result["pages"])),
        ("PDF size", f"{result['pdf_bytes'] / 1024:.0f} KiB"),
        ("WeasyPrint import (once per process)", f"{result['weasyprint_import_s']:.2f} s"),
        ("first render after the import", f"{result['cold_first_render_s']:.2f} s"),
        (
            "warm render min / median / max",
            f"{warm['min']:.2f} / {warm['median']:.2f} / {warm['max']:.2f} s",
        ),
        ("of which HTML template (median)", f"{result['html_template_s_median'] * 1000:.0f} ms"),
        ("target", f"≤ {TARGET_S:.0f} s"),
        ("load average (1 min, 2 cores shared)", f"{result['load_average_1min']:.1f}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

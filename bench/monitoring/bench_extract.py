"""Compare article extractors on Iranian-agency-like pages built around real Fars news texts.

Run: .venv/bin/python bench/monitoring/bench_extract.py [--limit N]
Needs the bench extra (trafilatura 2.3.1, readability-lxml). Reads /work/shared/data/fars-news
(never copied into the repo); writes bench/results/monitoring_extract.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import time
from collections.abc import Callable
from pathlib import Path

import readability
import trafilatura

from ravabet.lib.feeds.pages import extract_article
from ravabet.lib.feeds.sanitise import html_to_text
from ravabet.lib.tests.feed_samples import SENTENCES, agency_page

DATA = Path("/work/shared/data/fars-news")
RESULTS = Path(__file__).resolve().parents[1] / "results" / "monitoring_extract.json"
URL = "https://www.example.ir/fa/news/1404090612345/x"
ZWNJ = "\u200c"
# trafilatura also deletes private-use and other invisible characters (measured: U+E000 and
# U+2063 vanish too), so the placeholder must be a visible symbol that news text never holds.
PLACEHOLDER = "\u06de"


def ours(page: str) -> str:
    item = extract_article(page, URL)
    return item.body_text if item else ""


def trafilatura_plain(page: str) -> str:
    return trafilatura.extract(page, include_comments=False, include_tables=False) or ""


def trafilatura_placeholder(page: str) -> str:
    out = trafilatura.extract(page.replace(ZWNJ, PLACEHOLDER), include_comments=False) or ""
    return out.replace(PLACEHOLDER, ZWNJ)


def readability_lxml(page: str) -> str:
    return html_to_text(readability.Document(page).summary(html_partial=True))


EXTRACTORS: dict[str, Callable[[str], str]] = {
    "ours (lxml density)": ours,
    "trafilatura 2.3.1": trafilatura_plain,
    "trafilatura + ZWNJ placeholder": trafilatura_placeholder,
    "readability-lxml": readability_lxml,
}


def words(text: str) -> list[str]:
    return re.findall(r"[^\s.,:;!?«»()،؛؟\"']+", text)


def score(expected: list[str], got: str) -> dict[str, float]:
    want, have = words("\n".join(expected)), words(got)
    bag: dict[str, int] = {}
    for w in have:
        bag[w] = bag.get(w, 0) + 1
    common = 0
    for w in want:
        if bag.get(w, 0) > 0:
            bag[w] -= 1
            common += 1
    precision = common / len(have) if have else 0.0
    recall = common / len(want) if want else 0.0
    zwnj_words = [w for w in want if ZWNJ in w]
    kept = set(have)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "zwnj_words_intact": (
            sum(1 for w in zwnj_words if w in kept) / len(zwnj_words) if zwnj_words else 1.0
        ),
        "paragraphs_exact": float(
            [p.strip() for p in got.split("\n") if p.strip()]
            == [" ".join(p.split()) for p in expected]
        ),
    }


def corpus(limit: int) -> list[tuple[str, list[str], str]]:
    pages = []
    for index in range(24):  # written pages, built from our own sentences
        paragraphs = [SENTENCES[(index + k) % len(SENTENCES)] for k in range(4 + index % 5)]
        pages.append(
            ("written", paragraphs, agency_page("تیتر آزمایشی", paragraphs, variant=index % 4))
        )
    for path in sorted(DATA.glob("*.json")):
        for n, article in enumerate(json.loads(path.read_text(encoding="utf-8"))[:limit]):
            paragraphs = [" ".join(p.split()) for p in article.get("paragraphs", []) if p.strip()]
            if len(paragraphs) < 2:
                continue
            page = agency_page(article.get("title", ""), paragraphs, variant=n % 4)
            pages.append(("fars", paragraphs, page))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=100, help="articles per Fars file")
    args = parser.parse_args()
    pages = corpus(args.limit)
    rows = []
    for name, extract in EXTRACTORS.items():
        for source in ("written", "fars"):
            subset = [(p, html) for s, p, html in pages if s == source]
            totals: dict[str, float] = {}
            start = time.perf_counter()
            for paragraphs, page in subset:
                for key, value in score(paragraphs, extract(page)).items():
                    totals[key] = totals.get(key, 0.0) + value
            elapsed = time.perf_counter() - start
            row = {"extractor": name, "pages": source, "count": len(subset)}
            row |= {k: round(v / len(subset), 4) for k, v in totals.items()}
            row["pages_per_s"] = round(len(subset) / elapsed, 1)
            rows.append(row)
    header = (
        f"{'extractor':32} {'pages':8} {'n':>4} {'F1':>6} {'prec':>6} {'rec':>6}"
        f" {'ZWNJ ok':>8} {'exact':>6} {'pages/s':>8}"
    )
    print(header)
    for r in rows:
        print(
            f"{r['extractor']:32} {r['pages']:8} {r['count']:>4} {r['f1']:>6.3f}"
            f" {r['precision']:>6.3f} {r['recall']:>6.3f} {r['zwnj_words_intact']:>8.3f}"
            f" {r['paragraphs_exact']:>6.3f}"
            f" {r['pages_per_s']:>8.1f}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "machine": {
                    "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(),
                },
                "rows": rows,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()

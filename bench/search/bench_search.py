"""Query latency of the search index on synthetic Persian articles.

Run on demand, never in the test suite::

    .venv/bin/python bench/search/bench_search.py --articles 1000000

Builds a tantivy index in a temporary folder with the index code the site uses
(:class:`ravabet.core.search.backends.tantivy_index.SearchIndex`), from generated articles: a
Zipf-distributed vocabulary of Persian-letter words, a title and a body per article, spread
over five modules, 300 organisations and three years. Then times ranked top-10 queries (with and
without facets, for a province-wide user and for an agency that sees 5 organisations), prints
p50/p95 per query kind and writes ``bench/results/search.json`` with the machine it ran on.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
MODULES = ("newsroom", "monitoring", "agenda", "councils", "archive")
ORGANISATIONS = 300
THREE_YEARS = 3 * 365 * 86400
NOW = 1_795_000_000


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(LETTERS) for _ in range(rng.randint(2, 8))))
    # Sorted first: a set's order changes from run to run with the string hash seed.
    return sorted(sorted(words), key=lambda w: rng.random())


def articles(
    count: int, words: list[str], module: str, seed: int, body_words: int
) -> Iterator[object]:
    from ravabet.core.search.documents import SearchDocument
    from ravabet.core.search.registry import Weight

    rng = random.Random(seed)  # noqa: S311 (synthetic data)
    # Zipf (s = 1): the first word is in nearly every article, the 1000th in a few percent.
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
    total = cumulative[-1]

    def pick(k: int) -> list[str]:
        return [words[bisect.bisect(cumulative, rng.random() * total)] for _ in range(k)]

    for i in range(count):
        ts = NOW - rng.randrange(THREE_YEARS)
        yield SearchDocument(
            key=f"{module}:{i}",
            label=module,
            object_id=str(i),
            organisation_id=rng.randrange(1, ORGANISATIONS + 1),
            timestamp=ts,
            month=time.strftime("%Y-%m", time.gmtime(ts)),
            source=f"source-{rng.randrange(20)}",
            tags=(),
            terms={Weight.A: tuple(pick(8)), Weight.C: tuple(pick(body_words))},
        )


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--body-words", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=40, help="queries per kind")
    parser.add_argument("--output", type=Path, default=ROOT / "bench/results/search.json")
    parser.add_argument(
        "--keep", type=Path, help="build the index here, or reuse the one already there"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ravabet-bench-search-") as folder:
        os.environ.setdefault("RAVABET_DATA_DIR", folder)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravabet.settings")
        import django

        django.setup()
        from ravabet.core.search.backends.base import Restriction
        from ravabet.core.search.backends.tantivy_index import SearchIndex
        from ravabet.core.search.query import parse_query

        rng = random.Random(1405)  # noqa: S311
        words = vocabulary(20_000, rng)
        location = args.keep or Path(folder) / "index"
        reuse = location.exists()
        index = SearchIndex(location)
        started = time.perf_counter()
        per_module = args.articles // len(MODULES)
        for n, module in enumerate(() if reuse else MODULES):
            index.replace(
                articles(per_module, words, module, n, args.body_words),  # type: ignore[arg-type]
                remove_label=module,
            )
        build_seconds = time.perf_counter() - started
        if reuse:
            # Rank by what the kept index holds, whatever run built it.
            searcher = index.searcher()
            words.sort(key=lambda w: -searcher.doc_freq("c", w))
        size = sum(p.stat().st_size for p in location.rglob("*") if p.is_file())
        count = per_module * len(MODULES)
        print(f"indexed {count:,} articles in {build_seconds:.0f} s, {size / 1e6:.0f} MB")

        everyone = Restriction(labels=frozenset(MODULES), all_labels=True)
        agency = Restriction(labels=frozenset(MODULES), organisation_ids=frozenset(range(1, 6)))
        typical = words[200:2000]
        kinds: dict[str, Callable[[random.Random], str]] = {
            "typical word": lambda r: r.choice(typical),
            "very common word": lambda r: r.choice(words[:3]),
            "two typical words": lambda r: f"{r.choice(typical)} {r.choice(typical)}",
            "common + typical word": lambda r: f"{r.choice(words[:3])} {r.choice(typical)}",
            "phrase of common words": lambda r: f'"{words[0]} {words[1]}"',
            "phrase of 3 common words": lambda r: f'"{words[0]} {words[1]} {words[2]}"',
            "prefix (3 letters)": lambda r: r.choice(typical)[:3] + "*",
            "OR and exclusion": lambda r: f"{r.choice(typical)} OR {r.choice(typical)} -{words[5]}",
        }
        results: list[dict[str, object]] = []
        print(f"{'query':<26}{'who':<12}{'facets':<8}{'p50 ms':>8}{'p95 ms':>8}{'hits':>10}")
        for kind, make in kinds.items():
            for who, restriction in (("province", everyone), ("agency", agency)):
                for facets in (True, False):
                    qrng = random.Random(kind)  # noqa: S311
                    samples, totals = [], []
                    for _ in range(args.repeat):
                        query = parse_query(make(qrng))
                        begin = time.perf_counter()
                        page = index.search(
                            query,
                            restriction,
                            newest_first=False,
                            offset=0,
                            limit=10,
                            now=NOW,
                            facets=facets,
                        )
                        samples.append((time.perf_counter() - begin) * 1000)
                        totals.append(page.total)
                    row = {
                        "query": kind,
                        "who": who,
                        "facets": facets,
                        **percentiles(samples),
                        "median_hits": int(statistics.median(totals)),
                    }
                    results.append(row)
                    print(
                        f"{kind:<26}{who:<12}{'yes' if facets else 'no':<8}"
                        f"{row['p50_ms']:>8}{row['p95_ms']:>8}{row['median_hits']:>10,}"
                    )

    report = {
        "articles": per_module * len(MODULES),
        "body_words": args.body_words,
        # None when the index was reused (--keep): the build was timed by the run that made it.
        "build_seconds": None if reuse else round(build_seconds, 1),
        "index_bytes": size,
        "results": results,
        "machine": {
            "platform": platform.platform(),
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"written {args.output}")


if __name__ == "__main__":
    main()

"""Our feed parse against feedparser, in one process, on a 50-item Persian RSS feed.

Run: .venv/bin/python bench/monitoring/bench_parse.py [--seconds S]
Needs the bench extra (feedparser). Ours is end to end: decoding, XML, canonical URLs, dates,
nh3 sanitising and plain text; feedparser's rows are its parse alone. Also counts the items
each recovers from 500 damaged feeds. Writes bench/results/monitoring_parse.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import time
from collections.abc import Callable
from pathlib import Path

import feedparser

from ravabet.lib.feeds import parse_feed
from ravabet.lib.tests.feed_samples import atom_feed, json_feed, rss_feed, sample_items
from ravabet.lib.tests.test_feeds_fuzz import mutated

RESULTS = Path(__file__).resolve().parents[1] / "results" / "monitoring_parse.json"
BASE = "https://www.example.ir/rss"
FEEDPARSER_LIMIT_S = 2


class _Stuck(Exception):
    """feedparser still busy on one feed after the limit."""


def _stuck(signum: int, frame: object) -> None:
    raise _Stuck


def rate(run: Callable[[], int], seconds: float) -> float:
    """Items per second over repeated runs lasting at least ``seconds``."""
    run()  # warm caches (regexes, the cleaner) before timing
    items = rounds = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or rounds < 3:
        items += run()
        rounds += 1
    return items / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    items = sample_items(50)
    rss, atom, jsonf = rss_feed(items), atom_feed(items), json_feed(items)
    cases: list[tuple[str, Callable[[], int]]] = [
        ("ours: parse_feed, RSS 2.0", lambda: len(parse_feed(rss, base_url=BASE).items)),
        ("ours: parse_feed, Atom", lambda: len(parse_feed(atom, base_url=BASE).items)),
        ("ours: parse_feed, JSON Feed", lambda: len(parse_feed(jsonf, base_url=BASE).items)),
        ("feedparser default, RSS 2.0", lambda: len(feedparser.parse(rss).entries)),
        (
            "feedparser no sanitiser/resolver, RSS 2.0",
            lambda: len(
                feedparser.parse(rss, sanitize_html=False, resolve_relative_uris=False).entries
            ),
        ),
    ]
    rows = [{"case": name, "items_per_s": round(rate(run, args.seconds), 1)} for name, run in cases]
    baseline = next(r["items_per_s"] for r in rows if r["case"] == "feedparser default, RSS 2.0")
    for row in rows:
        row["vs_feedparser_default"] = round(float(row["items_per_s"]) / float(baseline), 2)

    damaged = [mutated(case) for case in range(500)]
    start = time.perf_counter()
    ours_items = sum(len(parse_feed(d, base_url=BASE).items) for d in damaged)
    ours_seconds = time.perf_counter() - start
    theirs_items = theirs_raised = theirs_stuck = 0
    signal.signal(signal.SIGALRM, _stuck)
    for data in damaged:
        signal.alarm(FEEDPARSER_LIMIT_S)
        try:
            theirs_items += len(feedparser.parse(data).entries)
        except _Stuck:
            theirs_stuck += 1
        except Exception:  # the comparison counts what feedparser lets escape
            theirs_raised += 1
        finally:
            signal.alarm(0)
    recovery = {
        "damaged_feeds": len(damaged),
        "ours_items": ours_items,
        "ours_seconds": round(ours_seconds, 2),
        "feedparser_entries": theirs_items,
        "feedparser_exceptions": theirs_raised,
        f"feedparser_over_{FEEDPARSER_LIMIT_S}_s": theirs_stuck,
    }

    print(f"{'case':45} {'items/s':>10} {'× feedparser':>13}")
    for row in rows:
        print(f"{row['case']:45} {row['items_per_s']:>10.0f} {row['vs_feedparser_default']:>13.2f}")
    print(
        f"500 damaged feeds: ours {ours_items} items in {ours_seconds:.1f} s; feedparser "
        f"{theirs_items} entries (with or without a usable link), {theirs_raised} exceptions, "
        f"{theirs_stuck} feeds abandoned after {FEEDPARSER_LIMIT_S} s (huge attributes)"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "machine": {
                    "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "feedparser": feedparser.__version__,
                },
                "feed": {"items": 50, "bytes": len(rss)},
                "rows": rows,
                "damaged": recovery,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()

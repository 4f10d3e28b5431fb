"""Story clustering: quality on a labelled set, and 100k items streamed through ``StoryIndex``.

Run on demand, never in the test suite: ``.venv/bin/python bench/monitoring/bench_stories.py``.
The labelled set is generated (``stories_dataset.py``, seeded) from the Fars news files. Quality
is pairwise precision/recall/F1 over all item pairs (the target: F1 ≥ 0.95), with B-cubed
beside it, recall per kind of copy, false merges per kind of hard negative, and whether each
story credits its earliest-published item. Throughput streams 100,000 items (the generator run
over successive periods) in arrival order: fingerprint, then ``add``, with the index
pruned to the last two windows as a long-running service would. Prints a table and writes
``bench/results/monitoring_stories.json`` with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stories_dataset import EPOCH, Article, Item, build, load_fars

from ravabet.lib.stories import DEFAULT_WINDOW, StoryIndex, fingerprint

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FILES = sorted(Path("/work/shared/data/fars-news").glob("*.json"))
POSITIVE_KINDS = ("copy", "edit", "lead", "exact", "template-copy")
NEGATIVE_KINDS = ("original", "renumbered", "template")


@dataclass
class Run:
    """Predicted stories of a stream, and where the time went."""

    predicted: dict[int, int]  # item id -> story id
    first_credit: dict[int, int]  # story id -> first item id
    fingerprint_cpu: float
    index_cpu: float
    wall: float
    exact_flags: int


def stream(items: list[Item], *, prune_every: int = 0) -> Run:
    """Fingerprint and add every item in arrival order."""
    index = StoryIndex()
    predicted: dict[int, int] = {}
    first: dict[int, int] = {}
    fp_cpu = index_cpu = 0.0
    exact = 0
    latest = items[0].published if items else EPOCH
    wall = time.perf_counter()
    for count, item in enumerate(items, 1):
        started = time.process_time()
        fp = fingerprint(item.title, item.text)
        middle = time.process_time()
        assignment = index.add(item.item_id, fp, item.published)
        if prune_every and count % prune_every == 0:
            index.prune(latest - 2 * DEFAULT_WINDOW)
        ended = time.process_time()
        fp_cpu += middle - started
        index_cpu += ended - middle
        latest = max(latest, item.published)
        predicted[item.item_id] = assignment.story_id
        first[assignment.story_id] = assignment.first_item_id
        exact += assignment.is_exact_duplicate
    return Run(predicted, first, fp_cpu, index_cpu, time.perf_counter() - wall, exact)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def quality(items: list[Item], run: Run) -> dict[str, object]:
    """Pairwise and B-cubed scores, per-kind recall and false merges, first-source credit."""
    truth = {item.item_id: item.story for item in items}
    cells: Counter[tuple[int, str]] = Counter((run.predicted[i], s) for i, s in truth.items())
    predicted_sizes = Counter(run.predicted.values())
    true_sizes = Counter(truth.values())
    together = sum(_pairs(n) for n in cells.values())
    predicted_pairs = sum(_pairs(n) for n in predicted_sizes.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    b_precision = b_recall = 0.0
    for item_id, story in truth.items():
        cell = cells[(run.predicted[item_id], story)]
        b_precision += cell / predicted_sizes[run.predicted[item_id]]
        b_recall += cell / true_sizes[story]
    b_precision /= len(items)
    b_recall /= len(items)
    b_f1 = 2 * b_precision * b_recall / (b_precision + b_recall)

    members: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        members[item.story].append(item)
    founder = {story: group[0] for story, group in members.items()}  # first to arrive
    stories_of_cluster: dict[int, set[str]] = defaultdict(set)
    for item in items:
        stories_of_cluster[run.predicted[item.item_id]].add(item.story)
    joined: Counter[str] = Counter()
    merged: Counter[str] = Counter()
    kinds = Counter(item.kind for item in items)
    for item in items:
        cluster = run.predicted[item.item_id]
        if item.kind in POSITIVE_KINDS and cluster == run.predicted[founder[item.story].item_id]:
            joined[item.kind] += 1
        if item.kind in NEGATIVE_KINDS and len(stories_of_cluster[cluster]) > 1:
            merged[item.kind] += 1
    credited = multi = 0
    for group in members.values():
        if len(group) < 2:
            continue
        multi += 1
        earliest = min(group, key=lambda item: (item.published, item.arrival))
        credited += run.first_credit[run.predicted[earliest.item_id]] == earliest.item_id
    return {
        "items": len(items),
        "true_stories": len(true_sizes),
        "predicted_stories": len(predicted_sizes),
        "pairwise": {"precision": precision, "recall": recall, "f1": f1},
        "bcubed": {"precision": b_precision, "recall": b_recall, "f1": b_f1},
        "joined_by_kind": {k: [joined[k], kinds[k]] for k in POSITIVE_KINDS},
        "falsely_merged_by_kind": {k: [merged[k], kinds[k]] for k in NEGATIVE_KINDS},
        "first_item_credited": [credited, multi],
        "exact_duplicates_flagged": run.exact_flags,
    }


def throughput_items(articles: list[Article], target: int, seed: int) -> list[Item]:
    """``target`` items: the generator over successive periods, in arrival order.

    Each period re-uses the base articles, so periods lie 15 days apart: a ten-day set plus
    copies up to a day and a half later, then more than the three-day window of silence.
    """
    items: list[Item] = []
    period = 0
    while len(items) < target:
        start = EPOCH + timedelta(days=15 * period)
        items += build(articles, seed=seed + period, start=start, prefix=f"p{period}-")
        period += 1
    items.sort(key=lambda item: (item.arrival, item.story, item.kind))
    return [replace(item, item_id=i) for i, item in enumerate(items[:target], 1)]


def machine() -> dict[str, object]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _print_quality(name: str, q: dict[str, object]) -> None:
    pw = q["pairwise"]
    bc = q["bcubed"]
    assert isinstance(pw, dict)
    assert isinstance(bc, dict)
    print(
        f"\n{name}: {q['items']:,} items, {q['true_stories']:,} true stories, "
        f"{q['predicted_stories']:,} predicted"
    )
    print(f"{'measure':<10} {'precision':>10} {'recall':>8} {'F1':>8}")
    print(f"{'pairwise':<10} {pw['precision']:>10.4f} {pw['recall']:>8.4f} {pw['f1']:>8.4f}")
    print(f"{'B-cubed':<10} {bc['precision']:>10.4f} {bc['recall']:>8.4f} {bc['f1']:>8.4f}")
    joined = q["joined_by_kind"]
    merged = q["falsely_merged_by_kind"]
    assert isinstance(joined, dict)
    assert isinstance(merged, dict)
    print("joined their story: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in joined.items()))
    print("falsely merged:     " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in merged.items()))
    credited = q["first_item_credited"]
    assert isinstance(credited, list)
    print(
        f"earliest item credited: {credited[0]}/{credited[1]} stories; "
        f"exact duplicates flagged: {q['exact_duplicates_flagged']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--seed", type=int, default=1405)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args()
    articles = load_fars(args.files)

    labelled = build(articles, seed=args.seed)
    labelled_run = stream(labelled)
    labelled_quality = quality(labelled, labelled_run)
    _print_quality("labelled set", labelled_quality)
    result: dict[str, object] = {
        "machine": machine(),
        "window_days": DEFAULT_WINDOW.total_seconds() / 86400,
        "labelled": {
            "seed": args.seed,
            "base_articles": len(articles),
            "kinds": dict(Counter(item.kind for item in labelled)),
            **labelled_quality,
        },
    }
    if not args.quality_only:
        items = throughput_items(articles, args.items, args.seed)
        chars = sum(len(item.title) + len(item.text) for item in items)
        load_before = os.getloadavg()[0]
        run = stream(items, prune_every=2000)
        load_after = os.getloadavg()[0]
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        bulk_quality = quality(items, run)
        _print_quality(f"throughput set ({len(items):,} items)", bulk_quality)
        cpu = run.fingerprint_cpu + run.index_cpu
        print(f"\n{'phase':<18} {'seconds':>9} {'items/s':>9}")
        for name, seconds in (
            ("fingerprint (CPU)", run.fingerprint_cpu),
            ("index add (CPU)", run.index_cpu),
            ("total (CPU)", cpu),
            ("total (wall)", run.wall),
        ):
            print(f"{name:<18} {seconds:>9.1f} {len(items) / seconds:>9,.0f}")
        print(
            f"mean item {chars / len(items):,.0f} characters; peak RSS {rss_mb:,.0f} MB "
            f"(generator and labels included); load average {load_before:.1f} before, "
            f"{load_after:.1f} after on {os.cpu_count()} CPUs"
        )
        result["throughput"] = {
            "items": len(items),
            "mean_chars": chars / len(items),
            "fingerprint_cpu_seconds": run.fingerprint_cpu,
            "index_cpu_seconds": run.index_cpu,
            "cpu_seconds": run.fingerprint_cpu + run.index_cpu,
            "wall_seconds": run.wall,
            "load_average_before_after": [load_before, load_after],
            "items_per_second": len(items) / run.wall,
            "peak_rss_mb": rss_mb,
            "pruned_to_days": 2 * DEFAULT_WINDOW.total_seconds() / 86400,
            "quality": bulk_quality,
        }
    result["measured_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = ROOT / "bench" / "results" / "monitoring_stories.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

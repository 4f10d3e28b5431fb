"""Our one-permutation MinHash against datasketch 2.0.0's MinHash: speed and estimate error.

Run on demand in a separate environment that has datasketch (it pulls in numpy and scipy, which
the project does not need): ``python -m venv /tmp/dsk && /tmp/dsk/bin/pip install
datasketch==2.0.0`` then ``PYTHONPATH=src /tmp/dsk/bin/python bench/monitoring/minhash_compare.py``.
Both sketch the same word 3-shingles of the labelled story set (128 values each); the error is
measured against the exact Jaccard similarity of the shingle sets, over pairs of one story and
pairs of template news about different events. Writes ``bench/results/monitoring_minhash.json``.
"""

from __future__ import annotations

import json
import math
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stories_dataset import build, load_fars

from ravabet.lib.stories import split_boilerplate
from ravabet.lib.stories.fingerprint import (
    BINS,
    _equal_share,
    _lane_masks,
    _shingle_hashes,
    _sketch,
)
from ravabet.lib.text import tokens

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(Path("/work/shared/data/fars-news").glob("*.json"))


def shingles(words: list[str]) -> set[str]:
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def ours(words: list[str]) -> int:
    return int.from_bytes(_sketch(_shingle_hashes(words), BINS), "little")


def timed(
    function: Callable[[list[str]], object], texts: list[list[str]]
) -> tuple[float, list[object]]:
    started = time.process_time()
    out = [function(words) for words in texts]
    return (time.process_time() - started) / len(texts), out


def main() -> None:
    items = build(load_fars(FILES), seed=7)
    words = {item.item_id: tokens(split_boilerplate(item.text).body) for item in items}
    texts = [w for w in words.values() if w]
    by_story: dict[str, list[int]] = {}
    for item in items:
        if words[item.item_id]:
            by_story.setdefault(item.story, []).append(item.item_id)
    pairs = [(group[0], other) for group in by_story.values() for other in group[1:]]
    templates = [i.item_id for i in items if i.kind == "template"]
    pairs += list(zip(templates, templates[5:], strict=False))

    results: dict[str, object] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "items": len(texts),
        "pairs": len(pairs),
    }
    masks = _lane_masks(BINS)
    seconds, _ = timed(ours, texts)
    sketches = {i: ours(w) for i, w in words.items() if w}
    exact = {}
    for a, b in pairs:
        sa, sb = shingles(words[a]), shingles(words[b])
        exact[(a, b)] = len(sa & sb) / len(sa | sb)
    errors = [_equal_share(sketches[a], sketches[b], masks, BINS) - exact[(a, b)] for a, b in pairs]
    results["ours"] = summary(seconds, errors)
    try:
        from datasketch import MinHash  # type: ignore[import-not-found]
    except ImportError:
        print("datasketch is not installed here: only our sketch was measured")
    else:

        def theirs(w: list[str]) -> MinHash:
            sketch = MinHash(num_perm=128)
            sketch.update_batch([s.encode() for s in shingles(w)])
            return sketch

        seconds, _ = timed(theirs, texts)
        minhashes = {i: theirs(w) for i, w in words.items() if w}
        errors = [minhashes[a].jaccard(minhashes[b]) - exact[(a, b)] for a, b in pairs]
        results["datasketch"] = summary(seconds, errors)
    print(f"{len(texts):,} texts, {len(pairs):,} pairs")
    print(f"{'sketch':<12} {'µs/item':>8} {'mean error':>11} {'RMSE':>7} {'max |error|':>12}")
    for name in ("ours", "datasketch"):
        row = results.get(name)
        if isinstance(row, dict):
            print(
                f"{name:<12} {row['us_per_item']:>8.0f} {row['mean_error']:>11.4f} "
                f"{row['rmse']:>7.4f} {row['max_abs_error']:>12.4f}"
            )
    out = ROOT / "bench" / "results" / "monitoring_minhash.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def summary(seconds: float, errors: list[float]) -> dict[str, float]:
    return {
        "us_per_item": seconds * 1e6,
        "mean_error": sum(errors) / len(errors),
        "rmse": math.sqrt(sum(e * e for e in errors) / len(errors)),
        "max_abs_error": max(map(abs, errors)),
    }


if __name__ == "__main__":
    main()

"""Throughput of the Persian normalisers on real Fars news text, against persiantools.

Run on demand, never in the test suite: ``pip install -e '.[bench]'`` then
``.venv/bin/python bench/text/bench_text.py [files]``.
Reads the Fars news JSON files (title, abstract, paragraphs), prints a table of chars/s and
writes ``bench/results/text.json`` with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from persiantools import characters, digits

from ravabet.lib.text import display_text, search_key, tokens

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FILES = sorted(Path("/work/shared/data/fars-news").glob("*.json"))


def load(files: list[Path]) -> list[str]:
    """Every title, abstract and paragraph, one string each."""
    texts: list[str] = []
    for path in files:
        for article in json.loads(path.read_text(encoding="utf-8")):
            texts += [article.get("title") or "", article.get("abstract") or ""]
            texts += article.get("paragraphs") or []
    return [text for text in texts if text]


def persiantools_fold(text: str) -> str:
    """What persiantools offers: Arabic yeh/kaf (and a few kasras) to Persian, digits to Latin."""
    return digits.fa_to_en(digits.ar_to_fa(characters.ar_to_fa(text)))


def measure(function: Callable[[str], object], texts: list[str], rounds: int) -> float:
    """Best chars/s over ``rounds`` passes (the least disturbed run)."""
    chars = sum(map(len, texts))
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            function(text)
        best = min(best, time.perf_counter() - started)
    return chars / best


def variants(texts: list[str]) -> dict[str, int]:
    """How often the spellings the normalisers fold occur in the corpus."""
    watched = {
        "Arabic yeh ي": "ي",
        "alef maksura ى": "ى",
        "Arabic kaf ك": "ك",
        "teh marbuta ة": "ة",
        "ZWNJ": "\u200c",
        "kashida": "\u0640",
        "Arabic-Indic digits": "٠١٢٣٤٥٦٧٨٩",
        "Persian digits": "۰۱۲۳۴۵۶۷۸۹",
        "harakat": "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652",
        "hamza forms": "أإؤئءآ",
    }
    counts: Counter[str] = Counter()
    for text in texts:
        for label, chars in watched.items():
            counts[label] += sum(text.count(c) for c in chars)
    return dict(counts)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = load(args.files)
    chars = sum(map(len, texts))
    runs: list[tuple[str, Callable[[str], object]]] = [
        ("persiantools ar_to_fa + digits", persiantools_fold),
        ("display_text", display_text),
        ("display_text(persian_digits=True)", lambda t: display_text(t, persian_digits=True)),
        ("search_key", search_key),
        ("tokens", tokens),
    ]
    results = {name: measure(function, texts, args.rounds) for name, function in runs}
    keys = [search_key(text) for text in texts]
    differ = sum(search_key(persiantools_fold(t)) != k for t, k in zip(texts, keys, strict=True))
    idempotent = all(search_key(k) == k for k in keys)
    shown = [display_text(text) for text in texts]
    display_idempotent = all(display_text(d) == d for d in shown)
    key_ignores_display = all(search_key(d) == k for d, k in zip(shown, keys, strict=True))
    print(f"{len(texts):,} texts, {chars:,} characters, best of {args.rounds}")
    print(f"{'function':<36} {'chars/s':>14} {'vs persiantools':>16}")
    base = results[runs[0][0]]
    for name, rate in results.items():
        print(f"{name:<36} {rate:>14,.0f} {rate / base:>15.2f}x")
    print(f"search_key idempotent on every text: {idempotent}")
    print(f"display_text idempotent on every text: {display_idempotent}")
    print(f"search_key(display_text(t)) == search_key(t) on every text: {key_ignores_display}")
    print("spelling variants in the corpus:", variants(texts))
    report = {
        "machine": machine(),
        "corpus": {
            "files": [p.name for p in args.files],
            "texts": len(texts),
            "characters": chars,
            "variants": variants(texts),
        },
        "chars_per_second": {name: round(rate) for name, rate in results.items()},
        "search_key_idempotent": idempotent,
        "display_text_idempotent": display_idempotent,
        "search_key_ignores_display_text": key_ignores_display,
        "texts_where_persiantools_first_changes_the_key": differ,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out = ROOT / "bench" / "results" / "text.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

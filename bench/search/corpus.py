"""A reproducible Persian corpus for the search benchmark, and the queries run against it.

Vocabulary and frequencies come from wordfreq's Persian list (shipped inside the wheel, read
offline), each word folded with our own ``search_key`` and merged with its spelling variants.
Titles and bodies are drawn from that Zipf distribution with a seeded generator; the real Fars
news articles are mixed in, evenly spread, when their files are present.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from ravabet.core.search.text import search_tokens
from ravabet.lib.text import STOPWORDS, search_key

ROOT = Path(__file__).resolve().parents[2]
FARS_DIR = ROOT.parent / "shared/data/fars-news"
NOW = 1_795_000_000  # a fixed "now", so dates and recency do not depend on the day of the run
THREE_YEARS = 3 * 365 * 86400
SOURCES = (
    "fars", "irna", "isna", "mehr", "tasnim", "ilna", "yjc", "hamshahri", "ettelaat", "kayhan",
    "jamejam", "donya-e-eqtesad", "shargh", "etemad", "iran", "khorasan", "tehran-times",
    "entekhab", "khabaronline", "asriran",
)  # fmt: skip
SEED = 1405


@dataclass(frozen=True)
class Vocabulary:
    """Search-key words, most frequent first, with their cumulative weights."""

    words: list[str]
    cumulative: list[float]

    @property
    def content(self) -> list[str]:
        """Words that are not stopwords and longer than two letters, most frequent first."""
        return [w for w in self.words if w not in STOPWORDS and len(w) > 2]


def vocabulary() -> Vocabulary:
    """wordfreq's Persian list folded with ``search_key``: letters-only single words."""
    import wordfreq

    merged: dict[str, float] = {}
    for word, frequency in wordfreq.get_frequency_dict("fa").items():
        key = search_key(word)
        if key and key.isalpha():
            merged[key] = merged.get(key, 0.0) + frequency
    words = sorted(merged, key=lambda w: (-merged[w], w))
    return Vocabulary(words, list(accumulate(merged[w] for w in words)))


@dataclass(frozen=True)
class Article:
    """One row of the benchmark's article table, before it has an id."""

    title: str
    body: str
    organisation: int  # index into the benchmark's organisations, 0-based
    published_at: int  # epoch seconds
    source: str
    tags: tuple[str, ...]
    real: bool


def real_articles(folder: Path = FARS_DIR) -> list[Article]:
    """The Fars news articles (title, abstract + paragraphs as body), if the files are there."""
    found: list[Article] = []
    for path in sorted(folder.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            body = "\n".join([item.get("abstract") or "", *(item.get("paragraphs") or [])])
            tags = tuple(t.strip() for t in item.get("tags") or [] if t and "," not in t)
            found.append(Article(item["title"], body.strip(), 0, 0, "fars", tags[:5], real=True))
    return found


def _text(rng: random.Random, vocab: Vocabulary, words: int, *, sentences: bool) -> str:
    picked = rng.choices(vocab.words, cum_weights=vocab.cumulative, k=words)
    if not sentences:
        return " ".join(picked)
    parts: list[str] = []
    until_stop = rng.randint(6, 18)
    for word in picked:
        until_stop -= 1
        if until_stop == 0:
            parts.append(word + ".")
            until_stop = rng.randint(6, 18)
        elif rng.random() < 0.04:
            parts.append(word + "،")
        else:
            parts.append(word)
    return " ".join(parts)


def articles(
    count: int,
    vocab: Vocabulary,
    *,
    organisations: int,
    real: list[Article],
    body_words: int = 150,
    seed: int = SEED,
) -> Iterator[Article]:
    """``count`` articles: synthetic ones from ``vocab`` with the ``real`` ones spread evenly
    among them (all of them if ``count`` allows, keeping their text), seeded and reproducible."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
    tag_words = vocab.content[50:550]
    real = real[: count // 2]
    every = count // len(real) if real else 0
    for i in range(count):
        organisation = rng.randrange(organisations)
        published_at = NOW - rng.randrange(THREE_YEARS)
        if every and i % every == every // 2 and i // every < len(real):
            base = real[i // every]
            yield Article(
                base.title, base.body, organisation, published_at, base.source, base.tags, True
            )
            continue
        length = rng.randint(body_words * 2 // 5, body_words * 8 // 5)
        yield Article(
            title=_text(rng, vocab, rng.randint(5, 12), sentences=False),
            body=_text(rng, vocab, length, sentences=True),
            organisation=organisation,
            published_at=published_at,
            source=rng.choice(SOURCES),
            tags=tuple(rng.sample(tag_words, rng.randint(0, 3))),
            real=False,
        )


QUERY_CLASSES = (
    "1 word",
    "2 words",
    "3 words",
    "very common word",
    "phrase of 2",
    "phrase of 3",
    "prefix (3 letters)",
    "OR with exclusion",
)


def queries(
    vocab: Vocabulary, sample: list[Article], per_class: int, seed: int = SEED
) -> dict[str, list[str]]:
    """``per_class`` query strings of each class, as a person would type them.

    Typical words are content words ranked 100-2,000; very common ones are the top five
    content words; phrases are cut from ``sample`` articles, so each exists at least once.
    """
    rng = random.Random(seed)  # noqa: S311
    content = vocab.content
    typical = content[100:2000]
    common = content[:5]
    windows: dict[int, list[tuple[str, ...]]] = {2: [], 3: []}
    for article in sample:
        terms = search_tokens(article.body)
        for size, found in windows.items():
            start = rng.randrange(max(1, len(terms) - size))
            window = tuple(terms[start : start + size])
            # A phrase of stopwords only is not something people look for.
            if len(window) == size and any(t not in STOPWORDS for t in window):
                found.append(window)

    def phrase(size: int) -> str:
        return '"' + " ".join(rng.choice(windows[size])) + '"'

    makers = {
        "1 word": lambda: rng.choice(typical),
        "2 words": lambda: " ".join(rng.sample(typical, 2)),
        "3 words": lambda: " ".join(rng.sample(typical, 3)),
        "very common word": lambda: rng.choice(common),
        "phrase of 2": lambda: phrase(2),
        "phrase of 3": lambda: phrase(3),
        "prefix (3 letters)": lambda: rng.choice(typical)[:3] + "*",
        "OR with exclusion": lambda: (
            f"{rng.choice(typical)} OR {rng.choice(typical)} -{rng.choice(common)}"
        ),
    }
    return {kind: [makers[kind]() for _ in range(per_class)] for kind in QUERY_CLASSES}


# The benchmark's organisation tree, as (kind, parent index) in creation order: the
# governorate, 5 deputies, 20 county governorates, 4 directorates, and 54 agencies with 4 units
# each. The agency officer works at AGENCY and so sees it and its 4 units.
def organisation_tree() -> list[tuple[str, int | None]]:
    """Kinds and parent indexes of the 300 organisations."""
    tree: list[tuple[str, int | None]] = [("governorate", None)]
    tree += [("deputy", 0)] * 5
    tree += [("county", 0)] * 20
    tree += [("directorate", 1 + i % 5) for i in range(4)]
    for i in range(54):
        agency = len(tree)
        tree.append(("agency", 1 + i % 5))
        tree += [("agency", agency)] * 4
    return tree


AGENCY = 30  # the first agency: index 30, its units 31-34


def visible_from(tree: list[tuple[str, int | None]], root: int) -> set[int]:
    """Indexes of ``root`` and every unit under it."""
    seen = {root}
    for index, (_, parent) in enumerate(tree):
        if parent in seen:
            seen.add(index)
    return seen

"""The parse boundary is total: 10,000 mutated feeds raise nothing; 1,000 valid ones parse exactly.

Mutations are seeded, so a failure names the case that reproduces it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from ravabet.lib.feeds import FeedParse, ParseReason, parse_feed
from ravabet.lib.tests.feed_samples import (
    SampleItem,
    atom_feed,
    expected_url,
    json_feed,
    news_sitemap,
    rss_feed,
    sample_items,
)
from ravabet.lib.tests.test_feeds_parse import ATOM, RDF, WINDOWS_1256_RSS

BASE = "https://www.example.ir/feed"
BUILDERS: list[Callable[[list[SampleItem]], bytes]] = [rss_feed, atom_feed, json_feed, news_sitemap]
_TAG = re.compile(rb"<[^<>]{0,200}>")


def _short(items: list[SampleItem]) -> list[SampleItem]:
    return [SampleItem(i.path, i.title, i.paragraphs[:2], i.date, i.author, i.image) for i in items]


SEEDS = [build(_short(sample_items(3, seed=n))) for n, build in enumerate(BUILDERS)] + [
    RDF.encode(),
    ATOM.encode(),
    WINDOWS_1256_RSS.encode("cp1256"),
]
HOSTILE = [
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
    b'<!ENTITY x SYSTEM "file:///etc/passwd">&x;',
    b"&#0;&#xD800;&#1114112;&bogus;&",
    b"]]><![CDATA[",
    b"<a>" * 3000,
    b"\xef\xbb\xbf\xff\xfe\x00\x00",
    "<title>\u202e\u200cمتن\ud7ff\ufffe</title>".encode("utf-8", "surrogatepass"),
    b'{"items": [{"url": {"x": 1}, "title": [1]}]}',
    b"<?xml version='1.0' encoding='utf-16'?>",
    b"<link>javascript:alert(1)</link><link>http://[::1]:99999/</link>",
]


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _delete_tag(data: bytes, rng: random.Random) -> bytes:
    tags = list(_TAG.finditer(data))
    for match in rng.sample(tags, min(len(tags), rng.randint(1, 4))):
        data = data.replace(match.group(0), b"", 1)
    return data


def _duplicate(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data) + 1)
    end = min(len(data), start + rng.randint(1, 2000))
    at = rng.randrange(len(data) + 1)
    return data[:at] + data[start:end] * rng.randint(1, 5) + data[at:]


def _swap_encoding(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "replace")
    codec = rng.choice(["utf-16", "utf-16-le", "cp1256", "latin-1", "utf-32", "ascii"])
    encoded = text.encode(codec, "replace")
    if rng.random() < 0.5:  # and lie about it in the declaration
        encoded = encoded.replace(b"utf-8", rng.choice([b"windows-1256", b"utf-16", b"nonsense"]))
    return encoded


def _huge_attribute(data: bytes, rng: random.Random) -> bytes:
    at = data.find(b">", rng.randrange(len(data) + 1))
    if at < 0:
        at = len(data)
    return data[:at] + b' x="' + b"A" * rng.choice([1000, 100_000, 300_000]) + b'"' + data[at:]


def _insert_hostile(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(HOSTILE) + data[at:]


MUTATIONS = [_flip, _truncate, _delete_tag, _duplicate, _swap_encoding, _huge_attribute]
MUTATIONS.append(_insert_hostile)


def mutated(case: int) -> bytes:
    rng = random.Random(case)
    data = SEEDS[case % len(SEEDS)]
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(MUTATIONS)(data, rng)
    return data


def _check_shape(result: FeedParse) -> None:
    assert isinstance(result, FeedParse)
    for item in result.items:
        assert item.url.startswith(("http://", "https://"))
        assert item.published is None or item.published.tzinfo is not None


def test_ten_thousand_mutated_feeds_raise_nothing_and_hit_no_internal_error() -> None:
    internal = []
    for case in range(10_000):
        result = parse_feed(mutated(case), base_url=BASE, content_type="application/xml")
        _check_shape(result)
        if any(e.reason is ParseReason.INTERNAL for e in result.errors):
            internal.append((case, result.errors))
    assert internal == []


def test_a_thousand_valid_control_feeds_parse_to_exactly_their_items() -> None:
    wrong = []
    for case in range(1_000):
        items = _short(sample_items(1 + case % 3, seed=case))
        result = parse_feed(BUILDERS[case % len(BUILDERS)](items), base_url=BASE)
        got = [(i.url, i.title) for i in result.items]
        want = [(expected_url(i), i.title) for i in items]
        if got != want or result.errors:
            wrong.append(case)
    assert wrong == []

"""Our tokens against Lucene's PersianAnalyzer on real Fars news text, up to fold direction.

Run on demand: ``.venv/bin/python bench/text/lucene_compare.py [files]`` (needs Debian's
liblucene8-java and a JDK). The test suite checks the same on phrases we wrote
(``lib/tests/test_text_lucene.py``); this script measures agreement on real text and prints the
commonest disagreements, so a deliberate difference can be told from a bug.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

# Run as a script, its folder is on sys.path: the corpus loader is shared with the benchmark.
from bench_text import DEFAULT_FILES, load

from ravabet.lib.tests.test_text_lucene import _JARS, _SOURCE, _jar
from ravabet.lib.text import STOPWORDS, search_key, tokens

# Our deliberate difference: affixes typed apart are glued (می شود → میشود, کتاب ها → کتابها).
_Y = "[یيى]"
_PREFIX_APART = re.compile(rf"(?<!\w)(ن?م{_Y}|ب{_Y}) +(?=[^\W\d_])")
_SUFFIX_APART = re.compile(rf"(?<=[^\W\d_]) +(ها|ها{_Y}|ها{_Y}{_Y}|تر|تر{_Y}ن)(?!\w)")


def glue_affixes(text: str) -> str:
    """``text`` with the inflection affixes joined, as our tokeniser joins them."""
    return _SUFFIX_APART.sub(r"\1", _PREFIX_APART.sub(r"\1", text))


def compare(
    texts: list[str], theirs_all: list[list[str]], ignored: frozenset[str] | set[str]
) -> tuple[int, Counter[str], Counter[str]]:
    same = 0
    only_ours: Counter[str] = Counter()
    only_theirs: Counter[str] = Counter()
    for text, theirs in zip(texts, theirs_all, strict=True):
        ours = {token for token in tokens(text) if token not in ignored}
        folded = {key for token in theirs for key in tokens(token) if key not in ignored}
        same += ours == folded
        only_ours.update(ours - folded)
        only_theirs.update(folded - ours)
    return same, only_ours, only_theirs


def lucene_tokens(lines: list[str]) -> tuple[set[str], list[list[str]]]:
    classpath = ":".join(str(_jar(name)) for name in _JARS)
    with tempfile.TemporaryDirectory() as build:
        source = Path(build) / "PersianTokens.java"
        source.write_text(_SOURCE, encoding="utf-8")
        subprocess.run(
            ["javac", "-encoding", "UTF-8", "-cp", classpath, "-d", build, str(source)], check=True
        )
        result = subprocess.run(
            ["java", "-cp", f"{classpath}:{build}", "PersianTokens"],
            input=("\n".join(lines) + "\n").encode(),
            capture_output=True,
            check=True,
        )
    stop_line, *out = result.stdout.decode().splitlines()
    return set(stop_line.split()), [line.split() for line in out]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    args = parser.parse_args()
    # One line per text; Lucene reads it with ZWNJ removed because we join at ZWNJ.
    texts = [" ".join(text.split()) for text in load(args.files)]
    plain = [text.replace("\u200c", "") for text in texts]
    stop, theirs_plain = lucene_tokens(plain + [glue_affixes(text) for text in plain])
    theirs_glued = theirs_plain[len(texts) :]
    ignored = STOPWORDS | {search_key(word) for word in stop}
    for label, theirs_all in (
        ("as typed", theirs_plain[: len(texts)]),
        ("affixes typed apart glued first", theirs_glued),
    ):
        same, only_ours, only_theirs = compare(texts, theirs_all, ignored)
        share = same / len(texts)
        print(f"Lucene reading the text {label}: {same:,} of {len(texts):,} agree ({share:.2%})")
        print("  commonest only in ours:", only_ours.most_common(12))
        print("  commonest only in Lucene's (folded):", only_theirs.most_common(12))


if __name__ == "__main__":
    main()

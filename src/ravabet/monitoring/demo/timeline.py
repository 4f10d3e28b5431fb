"""The demo's news as it is published: each story carried by one or more outlets at a minute of
the demo's timeline (negative: before the demo first started), in each outlet's own habits."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from ravabet.monitoring.demo.outlets import BY_CODE, Outlet


@dataclass(frozen=True)
class Run:
    """One outlet carrying a story: when, and how it edited it (a new headline, a paragraph
    of its own, the last paragraphs cut)."""

    outlet: str
    minute: int
    title: str = ""
    extra: str = ""
    cut: int = 0


@dataclass(frozen=True)
class StorySpec:
    """A news event as first written; the first run is the original publisher."""

    key: str
    title: str
    paragraphs: tuple[str, ...]
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Article:
    """One article on one outlet, ready to render."""

    number: int
    outlet: Outlet
    story: str
    minute: int
    title: str
    paragraphs: tuple[str, ...]
    original: bool

    def published(self, start: datetime) -> datetime:
        return start + timedelta(minutes=self.minute)

    @property
    def path(self) -> str:
        code = self.outlet.code
        if self.outlet.links == "aspx":
            return f"/{code}/ShowNews.aspx?NewsID={self.number}"
        if self.outlet.links == "slug":
            return f"/{code}/news/{self.number}/{slug(self.title)}"
        return f"/{code}/news/{self.number}"

    @property
    def lead(self) -> str:
        return self.paragraphs[0]


_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٫", "0123456789.")
_ARABIC_LETTERS = str.maketrans("یک", "يك")


def in_house_style(text: str, outlet: Outlet) -> str:
    """``text`` typed the way ``outlet`` types: Arabic letters, Latin digits, half-spaces."""
    if outlet.latin_digits:
        text = text.translate(_PERSIAN_DIGITS)
    if outlet.arabic_letters:
        text = text.translate(_ARABIC_LETTERS)
    if outlet.half_space != "\u200c":
        text = text.replace("\u200c", outlet.half_space)
    return text


def slug(title: str) -> str:
    """The Persian words of a headline joined by hyphens, as agencies put them in links."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", title.replace("\u200c", "")))
    return "-".join(words[:8])


def _article(number: int, spec: StorySpec, run: Run, original: str) -> Article:
    outlet = BY_CODE[run.outlet]
    paragraphs = list(spec.paragraphs[: len(spec.paragraphs) - run.cut])
    if run.extra:
        paragraphs.append(run.extra)
    own = run.outlet == original
    opening = outlet.dateline if own else outlet.copy_dateline.format(source=BY_CODE[original].name)
    if opening:
        paragraphs[0] = f"{opening} {paragraphs[0]}"
    if outlet.signoff:
        paragraphs[-1] = f"{paragraphs[-1]} {outlet.signoff}"
    return Article(
        number=number,
        outlet=outlet,
        story=spec.key,
        minute=run.minute,
        title=in_house_style(run.title or spec.title, outlet),
        paragraphs=tuple(in_house_style(p, outlet) for p in paragraphs),
        original=own,
    )


def articles(stories: tuple[StorySpec, ...]) -> tuple[Article, ...]:
    """Every run of every story as an article, numbered in order of publication."""
    runs = sorted(
        ((run.minute, index, spec, run) for spec in stories for index, run in enumerate(spec.runs)),
        key=lambda entry: (entry[0], entry[2].key, entry[1]),
    )
    return tuple(
        _article(40100 + 7 * position, spec, run, spec.runs[0].outlet)
        for position, (_minute, _index, spec, run) in enumerate(runs)
    )

"""Server-drawn SVG charts: one bar per non-zero value, right-to-left axes, Persian digits,
a title and description for screen readers, and escaped labels."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from ravabet.lib.charts import (
    WIDTH,
    ChartText,
    Series,
    bar_chart,
    column_chart,
    line_chart,
    nice_ticks,
)

# Our own output, parsed without entities or network all the same.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _xml(data: str | bytes) -> etree._Element:
    return etree.fromstring(data.encode() if isinstance(data, str) else data, _PARSER)


SVG = "{http://www.w3.org/2000/svg}"
TEXT = ChartText("chart-test", "تعداد خبرها", "خبرهای هر روز")


def parse(markup: str) -> etree._Element:
    return _xml(markup)


def bars(svg: etree._Element) -> list[etree._Element]:
    return [e for e in svg.iter(f"{SVG}rect") if "chart-bar" in e.attrib.get("class", "")]


def test_ticks_are_round_numbers_covering_the_largest_value() -> None:
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(3) == [0.0, 1.0, 2.0, 3.0]
    assert nice_ticks(37) == [0, 10, 20, 30, 40]
    assert nice_ticks(1234)[-1] >= 1234
    assert all(t == int(t) for t in nice_ticks(7))


def test_stacked_columns_draw_one_bar_per_non_zero_value() -> None:
    svg = parse(
        column_chart(
            ["الف", "ب", "پ"],
            [Series("مثبت", [2, 0, 1], "#0a0"), Series("منفی", [1, 3, 0], "#a00")],
            text=TEXT,
        )
    )
    assert len(bars(svg)) == 4
    assert [b.attrib["fill"] for b in bars(svg)] == ["#0a0", "#a00", "#a00", "#0a0"]


def test_a_stacked_column_sits_on_the_one_below_it() -> None:
    svg = parse(
        column_chart(["الف"], [Series("a", [2], "#0a0"), Series("b", [2], "#a00")], text=TEXT)
    )
    lower, upper = bars(svg)
    assert float(upper.attrib["y"]) + float(upper.attrib["height"]) == pytest.approx(
        float(lower.attrib["y"]), abs=0.11
    )


def _bar_x(markup: str) -> list[float]:
    return [float(b.attrib["x"]) for b in bars(parse(markup))]


def test_right_to_left_the_first_category_is_drawn_at_the_right() -> None:
    series = [Series("n", [1, 2, 3], "#000")]
    rtl = _bar_x(column_chart(["۱", "۲", "۳"], series, text=TEXT, rtl=True))
    ltr = _bar_x(column_chart(["1", "2", "3"], series, text=TEXT, rtl=False, persian=False))
    assert rtl == sorted(rtl, reverse=True)
    assert ltr == sorted(ltr)


def test_right_to_left_the_value_axis_stands_on_the_right() -> None:
    svg = parse(column_chart(["۱"], [Series("n", [40], "#000")], text=TEXT, rtl=True))
    assert svg.attrib["direction"] == "rtl"
    ticks = [t for t in svg.iter(f"{SVG}text") if t.text in {"۰", "۱۰", "۲۰", "۳۰", "۴۰"}]
    assert len(ticks) == 5
    assert all(float(t.attrib["x"]) > WIDTH / 2 for t in ticks)


def test_numbers_are_written_in_persian_digits_unless_asked_otherwise() -> None:
    persian = column_chart(["x"], [Series("n", [1500], "#000")], text=TEXT)
    latin = column_chart(["x"], [Series("n", [1500], "#000")], text=TEXT, persian=False)
    assert "۱٬۵۰۰" in persian
    assert "1500" not in re.sub(r'"[^"]*"', "", persian)
    assert "1,500" in latin


def test_every_chart_has_a_title_and_description_for_screen_readers() -> None:
    svg = parse(bar_chart([("ایرنا", 3)], text=TEXT, colour="#000"))
    assert svg.attrib["role"] == "img"
    assert svg.attrib["aria-labelledby"] == "chart-test-title chart-test-desc"
    assert svg.find(f"{SVG}title").text == "تعداد خبرها"  # type: ignore[union-attr]
    assert svg.find(f"{SVG}desc").text == "خبرهای هر روز"  # type: ignore[union-attr]


def test_labels_are_escaped() -> None:
    markup = bar_chart([('<script>alert("x")</script>', 1)], text=TEXT, colour="#000")
    assert "<script>" not in markup
    assert len(bars(parse(markup))) == 1


def test_a_chart_id_that_is_not_a_plain_name_is_refused() -> None:
    with pytest.raises(ValueError, match="chart id"):
        bar_chart([], text=ChartText('x" onload="y', "t", "d"), colour="#000")


def test_ranked_bars_are_as_long_as_their_share_of_the_largest() -> None:
    svg = parse(bar_chart([("الف", 10), ("ب", 5), ("پ", 0)], text=TEXT, colour="#000"))
    first, second = bars(svg)
    assert float(second.attrib["width"]) == pytest.approx(float(first.attrib["width"]) / 2)
    # Right to left they grow from the right edge.
    assert float(first.attrib["x"]) + float(first.attrib["width"]) == pytest.approx(WIDTH - 2)


def test_long_labels_are_shortened_on_the_chart_but_whole_in_the_tooltip() -> None:
    name = "خبرگزاری " * 12
    svg = parse(bar_chart([(name, 1)], text=TEXT, colour="#000"))
    label = next(t for t in svg.iter(f"{SVG}text") if t.text and t.text.startswith("خبرگزاری"))
    assert label.text is not None
    assert label.text.endswith("…")
    assert len(label.text) < len(name)
    assert name in bars(svg)[0].find(f"{SVG}title").text  # type: ignore[operator,union-attr]


def test_a_line_chart_marks_every_value_and_names_the_most_recent_day() -> None:
    days = [f"{d} آذر" for d in range(1, 31)]
    svg = parse(
        line_chart(
            days,
            [Series("خبر", list(range(30)), "#000"), Series("ماجرا", [1] * 30, "#f00")],
            text=TEXT,
            label_every=7,
        )
    )
    points = [c for c in svg.iter(f"{SVG}circle") if c.attrib.get("class") == "chart-point"]
    assert len(points) == 60
    assert len(list(svg.iter(f"{SVG}polyline"))) == 2
    named = [t.text for t in svg.iter(f"{SVG}text") if t.text in days]
    assert named == ["2 آذر", "9 آذر", "16 آذر", "23 آذر", "30 آذر"]


@pytest.mark.parametrize("rtl", [True, False])
def test_the_label_at_the_far_edge_ends_there_instead_of_running_off(rtl: bool) -> None:
    days = [f"{day} Azar" for day in range(1, 31)]
    svg = parse(line_chart(days, [Series("n", [1] * 30, "#000")], text=TEXT, rtl=rtl))
    labels = {t.text: t for t in svg.iter(f"{SVG}text") if t.text in days}
    newest, oldest = labels["30 Azar"], labels["1 Azar"]
    assert newest.attrib["text-anchor"] == "end"
    assert (float(newest.attrib["x"]) < WIDTH / 2) is rtl
    assert oldest.attrib["text-anchor"] == "middle"

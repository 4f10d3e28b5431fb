"""The desk's statistics as charts drawn on the server: items and stories a day, the busiest
sources, tone by week, the pickup of the governorate's own releases and who publishes first."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ravabet.lib.charts import ChartText, Series, bar_chart, column_chart, line_chart
from ravabet.lib.jalali import JalaliDate
from ravabet.lib.persian import format_number, to_latin_digits, to_persian_digits
from ravabet.monitoring import statistics_selectors as figures
from ravabet.monitoring.views.access import desk_user

ITEMS_COLOUR = "#0f5c6e"
STORIES_COLOUR = "#b54708"
FIRST_COLOUR = "#6941c6"
PICKUP_COLOUR = "#067647"
TONE_COLOURS = {"positive": "#067647", "neutral": "#98a2b3", "negative": "#b42318"}


def _day_label(day: date, persian: bool) -> str:
    """``۱۲ آذر``: the day and the month's name, short enough for an axis."""
    j = JalaliDate.from_gregorian(day)
    text = f"{j.day} {j.month_name(persian=persian)}"
    return to_persian_digits(text) if persian else text


def _svg(markup: str) -> SafeString:
    # lib.charts escapes every text it writes; its output is markup of our own.
    return mark_safe(markup)  # noqa: S308


# The periods a person may look back over, in days; the first figures a week, the last a season.
WINDOWS = (7, figures.STATISTICS_DAYS, 90)


def _window(request: HttpRequest) -> int:
    """The period asked for (``?days=``, Persian digits too), or the default one."""
    asked = to_latin_digits(request.GET.get("days", ""))
    return int(asked) if asked.isdigit() and int(asked) in WINDOWS else figures.STATISTICS_DAYS


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    user = desk_user(request)
    persian = (get_language() or "fa").startswith("fa")
    rtl = get_language_bidi()
    span = _window(request)
    window = format_number(span, persian=persian)

    def bars(rows: list[tuple[str, int]], text: ChartText, colour: str) -> SafeString:
        return _svg(bar_chart(rows, text=text, colour=colour, rtl=rtl, persian=persian))

    days = figures.daily_counts(for_user=user, days=span)
    day_labels = [_day_label(d.day, persian) for d in days]
    daily = _svg(
        line_chart(
            day_labels,
            [
                Series(_("Items"), [d.items for d in days], ITEMS_COLOUR),
                Series(_("New stories"), [d.stories for d in days], STORIES_COLOUR),
            ],
            text=ChartText(
                "chart-daily",
                _("Items and new stories a day"),
                _(
                    "Items collected from every source and the stories they began, on each of "
                    "the last %(days)s days; the table below the chart gives every figure."
                )
                % {"days": format_number(len(days), persian=persian)},
            ),
            rtl=rtl,
            persian=persian,
            label_every=max(1, span // 6),
        )
    )
    sources = figures.items_per_source(for_user=user, days=span)
    per_source = bars(
        [(s.name, s.count) for s in sources],
        ChartText(
            "chart-sources",
            _("Items per source"),
            _("The sources that brought the most items in the last %(days)s days.")
            % {"days": window},
        ),
        ITEMS_COLOUR,
    )
    weeks = figures.tone_by_week(for_user=user, weeks=max(figures.TONE_WEEKS, -(-span // 7)))
    tone = _svg(
        column_chart(
            [_day_label(w.start, persian) for w in weeks],
            [
                Series(_("Positive"), [w.positive for w in weeks], TONE_COLOURS["positive"]),
                Series(_("Neutral"), [w.neutral for w in weeks], TONE_COLOURS["neutral"]),
                Series(_("Negative"), [w.negative for w in weeks], TONE_COLOURS["negative"]),
            ],
            text=ChartText(
                "chart-tone",
                _("Tone by week"),
                _(
                    "Stories the analysts judged positive, neutral or negative, stacked, in "
                    "each of the last %(weeks)s weeks (from Saturday)."
                )
                % {"weeks": format_number(len(weeks), persian=persian)},
            ),
            rtl=rtl,
            persian=persian,
            label_every=3,
        )
    )
    pickup = figures.release_pickup(for_user=user, days=span)
    releases = bars(
        [(r.title, r.outlets) for r in pickup.top],
        ChartText(
            "chart-pickup",
            _("Pickup of the governorate's releases"),
            _(
                "How many other outlets carried each of the governorate's most picked-up "
                "releases of the last %(days)s days."
            )
            % {"days": window},
        ),
        PICKUP_COLOUR,
    )
    first = figures.first_publishers(for_user=user, days=span)
    firsts = bars(
        [(s.name, s.count) for s in first],
        ChartText(
            "chart-first",
            _("First to publish"),
            _("The sources that published the most stories first in the last %(days)s days.")
            % {"days": window},
        ),
        FIRST_COLOUR,
    )
    return render(
        request,
        "monitoring/statistics.html",
        {
            "window": span,
            "windows": WINDOWS,
            "days": list(zip(day_labels, days, strict=True)),
            "days_total": {
                "items": sum(d.items for d in days),
                "stories": sum(d.stories for d in days),
            },
            "daily_chart": daily,
            "sources": sources,
            "sources_chart": per_source,
            "weeks": weeks,
            "tone_total": sum(w.positive + w.neutral + w.negative for w in weeks),
            "tone_chart": tone,
            "pickup": pickup,
            "pickup_chart": releases,
            "first": first,
            "first_chart": firsts,
        },
    )

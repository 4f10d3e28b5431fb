"""The monitoring demo, found by ``ravabet demo`` (see ``core.demo``): invented Persian news from a
dozen outlets on a local news server that releases it over time, the sources, watch-lists and
topics to watch it with, and the settings that let the web server and worker reach it.

The timeline starts when the demo is first loaded (the time is kept in the data folder): what
was "published" before is there at once, the rest appears a minute or so apart, and an
earthquake near Damavand breaks three minutes in.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from ravabet.lib.env import env_int
from ravabet.monitoring.demo import data
from ravabet.monitoring.demo.outlets import OUTLETS

NEWS_PORT_VARIABLE = "RAVABET_DEMO_NEWS_PORT"
DEFAULT_NEWS_PORT = 8001
START_FILE = "demo-news-start"
# Demo pace: sources polled every 20 to 60 s, an unacknowledged alert escalated after 2 min.
DEMO_SETTINGS = {
    "RAVABET_POLL_MIN_SECONDS": "20",
    "RAVABET_POLL_MAX_SECONDS": "60",
    "RAVABET_ALERT_ESCALATE_MINUTES": "2",
}


def news_port() -> int:
    return env_int(NEWS_PORT_VARIABLE, DEFAULT_NEWS_PORT, minimum=1, maximum=65535)


def news_url() -> str:
    return f"http://127.0.0.1:{news_port()}"


def start_time(*, now: datetime | None = None) -> datetime:
    """When the demo's news timeline began: read from the data folder, set at the first call."""
    path = settings.DATA_DIR / START_FILE
    try:
        start = datetime.fromisoformat(path.read_text().strip())
        if start.tzinfo is not None:
            return start
    except (FileNotFoundError, ValueError):
        pass
    start = (now or timezone.now()).replace(microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(start.isoformat() + "\n")
    return start


def load() -> dict[str, int]:
    """Create what is missing of the monitoring demo and start its clock."""
    start_time()
    return data.load(news_url())


def environment() -> dict[str, str]:
    """Settings for the demo's web server and worker: the news server admitted to the fetcher,
    quick polling and escalation, Bale and SMS sent to the pretend phone. What the person has
    set in the environment wins."""
    url = news_url()
    wanted = dict(DEMO_SETTINGS)
    if not os.environ.get("RAVABET_BALE_TOKEN"):
        wanted |= {"RAVABET_BALE_TOKEN": "demo", "RAVABET_BALE_API_URL": f"{url}/phone/bale"}
    if not os.environ.get("RAVABET_SMS_API_KEY"):
        wanted |= {"RAVABET_SMS_API_KEY": "demo", "RAVABET_SMS_API_URL": f"{url}/phone/sms"}
    chosen = {name: value for name, value in wanted.items() if not os.environ.get(name)}
    allowed = [a for a in os.environ.get("RAVABET_FETCH_ALLOW", "").split(",") if a.strip()]
    chosen["RAVABET_FETCH_ALLOW"] = ",".join([*allowed, f"127.0.0.1:{news_port()}"])
    return chosen


def processes() -> list[list[str]]:
    """The news server, run beside the web server and the worker."""
    return [[sys.executable, "-m", "ravabet", "demo_news", "--port", str(news_port())]]


def notes() -> list[str]:
    """What to try, printed under the demo logins."""
    url = news_url()
    return [
        f"Media monitoring: invented Persian news from {len(OUTLETS)} outlets ({url}/) arrives a"
        " minute or so apart; an earthquake near Damavand breaks 3 minutes after the first start.",
        "  analyst   the triage queue at /monitoring/ (j/k to move, p/n/m tone, 1-3 relevance,"
        " x dismiss, u urgent)",
        f"  governor  the urgent alert in the app and on the pretend phone ({url}/phone/): Bale"
        " at once, SMS when not acknowledged within 2 minutes",
    ]

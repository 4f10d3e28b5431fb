"""The demo's local news server: the invented outlets' feeds and pages, released over time
against an injected clock, plus a pretend phone that stands in for the Bale and SMS gateways
so an alert and its escalation can be watched arriving.

Standard library only; listens on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ravabet.lib.jalali import format_datetime as jalali_datetime
from ravabet.monitoring.demo import render
from ravabet.monitoring.demo.outlets import BY_CODE, OUTLETS
from ravabet.monitoring.demo.stories_earlier import EARLIER
from ravabet.monitoring.demo.stories_live import LIVE
from ravabet.monitoring.demo.timeline import Article, articles

ARTICLES: tuple[Article, ...] = articles(EARLIER + LIVE)
FEED_SIZE = 30  # items in a feed, newest first, as most Iranian sites serve
Clock = Callable[[], datetime]

_ARTICLE = re.compile(r"^/(?P<code>[a-z]+)/(?:news/(?P<n>\d+)(?:/[^/]*)?|ShowNews\.aspx)$")
_BALE = re.compile(r"^/phone/bale/bot[^/]+/sendMessage$")
_SMS = re.compile(r"^/phone/sms/v1/[^/]+/sms/send\.json$")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class PhoneMessage:
    at: datetime
    channel: str  # bale or sms
    address: str
    text: str


@dataclass
class Phone:
    """Messages the Bale and SMS adapters sent to the demo's gateways, newest first."""

    on_message: Callable[[PhoneMessage], None] | None = None
    messages: list[PhoneMessage] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, message: PhoneMessage) -> int:
        with self._lock:
            self.messages.insert(0, message)
            number = len(self.messages)
        if self.on_message is not None:
            self.on_message(message)
        return number


class NewsDesk:
    """What the demo outlets serve at a moment: every article published by then."""

    def __init__(
        self,
        *,
        start: datetime,
        base_url: str,
        clock: Clock = utc_now,
        catalogue: Sequence[Article] = ARTICLES,
        phone: Phone | None = None,
    ) -> None:
        self.start = start
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.catalogue = sorted(catalogue, key=lambda a: (a.minute, a.number), reverse=True)
        self.phone = phone or Phone()

    def released(self) -> list[Article]:
        """Articles published by now, newest first."""
        now = self.clock()
        return [a for a in self.catalogue if a.published(self.start) <= now]

    def next_release(self) -> datetime | None:
        now = self.clock()
        waiting = [a.published(self.start) for a in self.catalogue if a.published(self.start) > now]
        return min(waiting) if waiting else None

    def _of(self, code: str) -> list[Article]:
        return [a for a in self.released() if a.outlet.code == code]

    def get(self, target: str) -> Reply:
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path == "/":
            total = {o.code: sum(a.outlet is o for a in self.catalogue) for o in OUTLETS}
            out = {o.code: len(self._of(o.code)) for o in OUTLETS}
            return Reply(200, *render.index_page({c: (out[c], total[c]) for c in total}))
        if path == "/phone/":
            return Reply(200, self._phone_page(), "text/html; charset=utf-8")
        for outlet in OUTLETS:
            if path == f"/{outlet.code}/":
                items = self._of(outlet.code)[: FEED_SIZE * 2]
                return Reply(200, *render.listing_page(outlet, items, start=self.start))
            if path == outlet.feed_path:
                items = self._of(outlet.code)[:FEED_SIZE]
                feed = render.FEEDS[outlet.feed]
                return Reply(200, *feed(outlet, items, base=self.base_url, start=self.start))
        match = _ARTICLE.match(path)
        if match and match["code"] in BY_CODE:
            number = match["n"] or parse_qs(parts.query).get("NewsID", [""])[0]
            for article in self._of(match["code"]):
                if str(article.number) == number:
                    return Reply(
                        200, *render.article_page(article, base=self.base_url, start=self.start)
                    )
        return Reply(404, "یافت نشد".encode())

    def post(self, target: str, body: bytes, content_type: str) -> Reply:
        """The pretend Bale bot API and SMS gateway, answering as the real ones do."""
        path = urlsplit(target).path
        now = self.clock()
        if _BALE.match(path):
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if not isinstance(data, dict):
                return Reply(400, b'{"ok": false}', "application/json")
            message = PhoneMessage(
                now, "bale", str(data.get("chat_id", "")), str(data.get("text", ""))
            )
            number = self.phone.receive(message)
            answer = {"ok": True, "result": {"message_id": number}}
            return Reply(200, json.dumps(answer).encode(), "application/json")
        if _SMS.match(path):
            form = parse_qs(body.decode("utf-8", "replace"))
            receptor = form.get("receptor", [""])[0]
            text = form.get("message", [""])[0]
            number = self.phone.receive(PhoneMessage(now, "sms", receptor, text))
            answer = {
                "return": {"status": 200, "message": "تایید شد"},
                "entries": [{"messageid": number}],
            }
            return Reply(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json")
        return Reply(404, "یافت نشد".encode())

    def _phone_page(self) -> bytes:
        rows = "".join(
            f'<li class="{m.channel}"><b>{"بله" if m.channel == "bale" else "پیامک"}</b>'
            f" به {escape(m.address)} · {jalali_datetime(m.at, seconds=True)}"
            f"<pre>{escape(m.text)}</pre></li>"
            for m in self.phone.messages
        )
        empty = "" if rows else "<p>هنوز پیامی نرسیده است.</p>"
        page = (
            '<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8">'
            '<meta http-equiv="refresh" content="10">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>گوشی نمایشی</title><style>body{font-family:Vazirmatn,Tahoma,sans-serif;"
            "max-width:30rem;margin:auto;padding:1rem}li{list-style:none;margin:0 0 1rem;"
            "padding:.5rem;border-radius:.5rem;background:#e8f3ff}li.sms{background:#f1f1f1}"
            "pre{white-space:pre-wrap;font:inherit;margin:.3rem 0 0}</style></head><body>"
            "<h1>گوشی نمایشی</h1><p>پیام‌هایی که رابط در نسخه نمایشی از راه بله و پیامک"
            f" فرستاده است (هر ۱۰ ثانیه تازه می‌شود).</p>{empty}<ul>{rows}</ul></body></html>"
        )
        return page.encode()


def _handler(desk: NewsDesk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "RavabetDemoNews/1"

        def _send(self, reply: Reply) -> None:
            etag = '"' + hashlib.sha256(reply.body).hexdigest()[:20] + '"'
            if reply.status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            if reply.status == 200:
                self.send_header("ETag", etag)
                self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(reply.body)

        def do_GET(self) -> None:
            self._send(desk.get(self.path))

        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
            body = self.rfile.read(length)
            self._send(desk.post(self.path, body, self.headers.get("Content-Type", "")))

        def log_message(self, format: str, *args: Any) -> None:
            return  # the pollers ask every few seconds; the terminal has better things to show

    return Handler


class NewsServer(ThreadingHTTPServer):
    """The HTTP server and the desk it serves."""

    daemon_threads = True
    desk: NewsDesk


def make_server(port: int, desk_factory: Callable[[str], NewsDesk]) -> NewsServer:
    """A server on 127.0.0.1:``port`` (0 picks a free one) for the desk built for its address."""
    server = NewsServer(("127.0.0.1", port), BaseHTTPRequestHandler)
    server.desk = desk_factory(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(server.desk)
    return server

"""``ravabet demo_news``: the demo's local news server (started by ``ravabet demo``)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from ravabet.lib.jalali import format_datetime
from ravabet.monitoring import demo
from ravabet.monitoring.demo.server import NewsDesk, Phone, PhoneMessage, make_server


class Command(BaseCommand):
    help = "Serve the demo's invented news on 127.0.0.1, released over time (demo mode only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args: Any, port: int | None, **options: Any) -> None:
        start = demo.start_time()

        def show(message: PhoneMessage) -> None:
            first_line = message.text.splitlines()[0] if message.text else ""
            self.stdout.write(
                f"[pretend phone] {message.channel} to {message.address}: {first_line}"
            )

        phone = Phone(on_message=show)
        server = make_server(
            demo.news_port() if port is None else port,
            lambda base: NewsDesk(start=start, base_url=base, phone=phone),
        )
        desk = server.desk
        address = f"http://127.0.0.1:{server.server_address[1]}/"
        upcoming = desk.next_release()
        self.stdout.write(
            f"Demo news server at {address}: {len(desk.released())} of {len(desk.catalogue)}"
            f" articles out (timeline started {format_datetime(start, persian=False)} Tehran)"
            + (f", next at {format_datetime(upcoming, persian=False)}" if upcoming else "")
        )
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        signal.signal(signal.SIGINT, lambda *_: stopping.set())
        thread = threading.Thread(target=server.serve_forever, name="demo-news", daemon=True)
        thread.start()
        stopping.wait()
        server.shutdown()
        server.server_close()

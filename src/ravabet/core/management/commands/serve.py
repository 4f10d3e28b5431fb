"""Serve Ravabet with gunicorn, a production-grade WSGI server."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def gunicorn_argv(bind: str, workers: int, threads: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "ravabet.wsgi:application",
        "--bind", bind,
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--timeout", "60",
        "--graceful-timeout", "20",
        "--access-logfile", "-",
        "--forwarded-allow-ips", os.environ.get("RAVABET_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        # One control socket per data folder, so two instances on one machine do not collide.
        "--control-socket", str(settings.DATA_DIR / "gunicorn.ctl"),
    ]  # fmt: skip


class Command(BaseCommand):
    help = "Serve the web application with gunicorn."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("RAVABET_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("RAVABET_WEB_WORKERS", "2"))
        )
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, bind: str, workers: int, threads: int, **options: Any) -> None:
        argv = gunicorn_argv(bind, workers, threads)
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn

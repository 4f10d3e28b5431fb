"""Install, migrate, load the demo data and run the web server and the worker together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ravabet.core import demo
from ravabet.core.management.commands.serve import gunicorn_argv
from ravabet.core.search.indexing import live_updates_paused, rebuild_drifted


class Command(BaseCommand):
    help = "Start the demo: web server and background worker on embedded defaults, with demo data."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("RAVABET_BIND", "127.0.0.1:8000"))
        parser.add_argument("--no-serve", action="store_true", help="Prepare only; do not serve.")
        parser.add_argument(
            "--code", action="store_true", help="Print the demo administrator's current code."
        )

    def handle(self, *args: Any, bind: str, no_serve: bool, code: bool, **options: Any) -> None:
        if code:
            self.stdout.write(demo.current_admin_code())
            return
        call_command("assets")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # One rebuild after loading instead of an index job per saved row.
        with live_updates_paused():
            created = demo.load()
            by_app = demo.load_apps()
        # The index is derived from the database: bring it in step before the first search.
        rebuild_drifted()
        self.stdout.write(
            f"Demo data: {created['organisations']} organisations"
            f" and {created['users']} people added."
        )
        for label, counts in by_app.items():
            added = ", ".join(f"{number} {what}" for what, number in counts.items())
            self.stdout.write(f"Demo data ({label}): {added} added.")
        self.stdout.write(
            self.style.SUCCESS(f"\nRavabet is at http://{bind}/  (data in {settings.DATA_DIR})")
        )
        self.stdout.write(f"Demo logins, all with the password  {demo.DEMO_PASSWORD}")
        self.stdout.write(demo.logins_table())
        self.stdout.write(
            "admin also needs an authenticator code: pair an app with the key"
            f" {demo.DEMO_ADMIN_TOTP_KEY}, or print the current code with: ravabet demo --code\n"
        )
        for line in demo.app_notes():
            self.stdout.write(line)
        if no_serve:
            return
        # The apps' demo settings (e.g. the local news server admitted to the fetcher) apply
        # to the demo's own processes only, never to a normal `ravabet serve`.
        env = {"RAVABET_SITE_URL": f"http://{bind}", **os.environ, **demo.app_environment()}
        children = [
            subprocess.Popen(gunicorn_argv(bind, 2, 4), env=env),
            subprocess.Popen([sys.executable, "-m", "ravabet", "worker"], env=env),
            *(subprocess.Popen(argv, env=env) for argv in demo.app_processes()),
        ]
        stopping = False

        def stop(*_args: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("Stopped the web server, the worker and the demo's other processes.")

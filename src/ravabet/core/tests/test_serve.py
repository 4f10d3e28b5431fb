"""The production server, as the demo runs it: gunicorn with WhiteNoise's static files."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

RAVABET = [sys.executable, "-m", "ravabet"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, response.read(), dict(response.headers)


def test_serve_answers_pages_and_static_files_with_gunicorn(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {"RAVABET_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*RAVABET, *command], env=env, check=True, timeout=120)
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [*RAVABET, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body, headers = _get(f"http://127.0.0.1:{port}/accounts/login/")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.3)
        assert status == 200
        assert headers["Server"] == "gunicorn"
        assert 'dir="rtl"' in body.decode()
        assert "object-src 'none'" in headers["Content-Security-Policy"]
        # The stylesheet and the font come from our own origin, cache-busted by WhiteNoise.
        css = body.decode().split('href="/static/ravabet/ravabet.')[1].split('"')[0]
        status, _, headers = _get(f"http://127.0.0.1:{port}/static/ravabet/ravabet.{css}")
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    assert server.returncode == 0

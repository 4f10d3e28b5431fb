"""``ravabet worker`` that stops dead inside ingest's transaction, for ``test_ingest_crash``.

Run as ``python -m ravabet.monitoring.tests.crash_worker`` with ``RAVABET_CRASH_MARKER`` set:
the first batch ingest writes (every row written, nothing committed) makes it write the new
items' ids to that file and wait there to be killed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravabet.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from ravabet.monitoring.services import ingest

    marker = Path(os.environ["RAVABET_CRASH_MARKER"])

    def wait_to_be_killed(label: str, ids: Any) -> None:
        marker.write_text(" ".join(str(pk) for pk in ids), encoding="utf-8")
        time.sleep(600)

    setattr(ingest, "index_later_many", wait_to_be_killed)  # noqa: B010 (a patch, visibly)
    call_command("worker", "--interval", "0.1")


if __name__ == "__main__":
    main()

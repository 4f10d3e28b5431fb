"""The ``ravabet`` console command: Ravabet's own commands and all of Django's."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ravabet.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0] or "ravabet", *sys.argv[1:]])

"""Install the front-end assets (font, htmx, date picker) from npm and copy what is served."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PICKER = "@majidh1/jalalidatepicker/dist/jalalidatepicker"
# node_modules path -> path under the assets folder's vendor/.
FILES = {
    "vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2": "vazirmatn/Vazirmatn-Variable.woff2",
    # Static weights for PDFs: WeasyPrint would instance the variable font at every render.
    "vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf": "vazirmatn/Vazirmatn-Regular.ttf",
    "vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf": "vazirmatn/Vazirmatn-Bold.ttf",
    "vazirmatn/OFL.txt": "vazirmatn/OFL.txt",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    f"{PICKER}.min.js": "jalalidatepicker/jalalidatepicker.min.js",
    f"{PICKER}.min.css": "jalalidatepicker/jalalidatepicker.min.css",
}


class Command(BaseCommand):
    help = "Install front-end assets with npm (from package-lock.json) into the assets folder."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="Reinstall even if up to date.")

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        project: Path = settings.PROJECT_DIR
        lock = project / "package-lock.json"
        if not lock.exists():
            raise CommandError(f"{lock} not found: run this from a source checkout")
        target: Path = settings.ASSETS_DIR / "vendor"
        stamp = settings.ASSETS_DIR / ".package-lock.sha256"
        digest = hashlib.sha256(lock.read_bytes()).hexdigest()
        complete = all((target / dest).exists() for dest in FILES.values())
        if not force and complete and stamp.exists() and stamp.read_text() == digest:
            self.stdout.write("Assets are up to date.")
            return
        npm = shutil.which("npm")
        if npm is None:
            raise CommandError("npm is needed to install the font and scripts: apt-get install npm")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
            cwd=project,
            check=True,
        )
        modules = project / "node_modules"
        for source, dest in FILES.items():
            path = target / dest
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(modules / source, path)
        stamp.write_text(digest)
        self.stdout.write(self.style.SUCCESS(f"Assets installed into {target}"))

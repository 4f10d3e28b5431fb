"""The Persian catalogue is complete and compiled: extraction from the current source finds no
untranslated or fuzzy string, and the committed django.mo holds exactly what django.po says."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
LOCALE = PACKAGE / "locale" / "fa" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with its catalogue re-extracted from the current source."""
    copy = tmp_path_factory.mktemp("i18n") / "ravabet"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    env = {
        **os.environ,
        "RAVABET_LOCALE_DIR": str(copy / "locale"),
        "DJANGO_SETTINGS_MODULE": "ravabet.settings",
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "fa",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return copy / "locale" / "fa" / "LC_MESSAGES" / "django.po"


def _msgattrib(po: Path, flag: str) -> str:
    result = subprocess.run(
        ["msgattrib", flag, "--no-wrap", str(po)], check=True, capture_output=True, text=True
    )
    return result.stdout


def _catalog(mo: Path) -> dict[object, str]:
    with mo.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    catalog.pop("", None)  # the header
    return catalog


def test_every_string_in_the_source_has_a_persian_translation(extracted: Path) -> None:
    untranslated = _msgattrib(extracted, "--untranslated")
    assert untranslated == "", (
        f"Untranslated strings (run makemessages and translate):\n{untranslated}"
    )


def test_no_persian_translation_is_fuzzy(extracted: Path) -> None:
    fuzzy = _msgattrib(extracted, "--only-fuzzy")
    assert fuzzy == "", f"Fuzzy translations to review:\n{fuzzy}"


def test_committed_catalogue_matches_the_source_and_is_compiled(
    extracted: Path, tmp_path: Path
) -> None:
    fresh_mo = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "-o", str(fresh_mo), str(extracted)], check=True)
    assert _catalog(LOCALE / "django.mo") == _catalog(fresh_mo), (
        "locale/fa/LC_MESSAGES/django.po or django.mo is stale: run "
        "`cd src/ravabet && ravabet makemessages -l fa --no-location --no-obsolete"
        " --ignore=tests`, translate, then `ravabet compilemessages`"
    )

"""Backup and restore (SECURITY.md promise 2): a round trip gives back identical rows and
files, and a damaged archive is refused before anything changes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ravabet.core import security
from ravabet.core.models import (
    AuditEntry,
    Organisation,
    OrganisationKind,
    SecurityEvent,
    SecurityEventKind,
    User,
)
from ravabet.core.search.backends.tantivy_index import release_index
from ravabet.core.search.indexing import check_drift
from ravabet.core.search.registry import sources
from ravabet.core.tests.factories import OrganisationFactory, UserFactory, agency_officer

pytestmark = pytest.mark.django_db(transaction=True)

TABLES: list[type[Any]] = [Organisation, User, AuditEntry, SecurityEvent]
MEDIA = {
    "photos/1405/دیدار استاندار.jpg": b"\xff\xd8\xff\xe0" + os.urandom(3000),
    "releases/statement.pdf": b"%PDF-1.7\n" + os.urandom(500),
    "empty.txt": b"",
}


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A data folder of the test's own: backups and media go there."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    settings.SEARCH_INDEX_DIR = tmp_path / "data" / "search"
    yield Path(settings.DATA_DIR)
    release_index()


def rows() -> dict[str, list[dict[str, Any]]]:
    return {m._meta.label: list(m._base_manager.order_by("pk").values()) for m in TABLES}


def media_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def write_media(root: Path) -> None:
    for name, content in MEDIA.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def make_records() -> None:
    governorate = OrganisationFactory.create(kind=OrganisationKind.GOVERNORATE, code="gov")
    agency = OrganisationFactory.create(parent=governorate, name_fa="اداره کل ورزش و جوانان")
    officer = agency_officer(agency, username="officer")
    UserFactory.create(organisation=governorate, username="director")
    security.record(SecurityEventKind.LOGIN_SUCCEEDED, user=officer, detail={"via": "test"})


def back_up() -> Path:
    out = io.StringIO()
    call_command("backup", stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


def change_everything(media_root: Path) -> None:
    """What happens after the backup and must be undone by the restore."""
    agency = Organisation.objects.get(name_fa="اداره کل ورزش و جوانان")
    agency.name_fa = "نام تازه"
    agency.save()
    OrganisationFactory.create(code="new-after-backup")
    User.objects.get(username="director").delete()
    security.record(SecurityEventKind.EXPORT, username="after-backup")
    (media_root / "releases/statement.pdf").unlink()
    (media_root / "empty.txt").write_bytes(b"changed")
    (media_root / "new-upload.png").write_bytes(b"\x89PNG after")


def test_backup_then_restore_gives_back_identical_rows_and_files(data_dir: Path) -> None:
    media_root = data_dir / "media"
    make_records()
    write_media(media_root)
    before_rows, before_files = rows(), media_files(media_root)
    assert all(before_rows.values())

    archive = back_up()
    assert archive.parent == data_dir / "backups"
    assert archive.name.startswith("ravabet-")
    assert archive.name.endswith("Z.tar.gz")
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest["database"]["vendor"] == connection.vendor
    assert {f"media/{name}" for name in MEDIA} <= set(manifest["files"])
    assert ["core", "0001_initial"] in manifest["migrations"]

    change_everything(media_root)
    assert rows() != before_rows
    assert media_files(media_root) != before_files

    out = io.StringIO()
    call_command("restore", str(archive), "--noinput", stdout=out)
    assert "Restored" in out.getvalue()
    assert rows() == before_rows
    # The search index is not in the archive: it was rebuilt from the restored rows.
    assert "search index was rebuilt" in out.getvalue()
    assert all(check_drift(label).is_clean for label in sources())
    assert media_files(media_root) == before_files
    # The restored database works normally afterwards.
    assert Organisation.objects.filter(code="gov").exists()
    OrganisationFactory.create(code="after-restore")


def refused(archive: Path) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("restore", str(archive), "--noinput", stdout=io.StringIO())
    return str(failure.value)


def repack(archive: Path, target: Path, *, replace: dict[str, bytes]) -> Path:
    """A copy of ``archive`` with some members' contents replaced or added, manifest untouched."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            data = replace.pop(member.name, data)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
        for name, data in replace.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
    return target


def test_damaged_archives_are_refused_and_nothing_changes(data_dir: Path, tmp_path: Path) -> None:
    media_root = data_dir / "media"
    make_records()
    write_media(media_root)
    archive = back_up()
    change_everything(media_root)
    after_rows, after_files = rows(), media_files(media_root)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    tampered = repack(
        archive, tmp_path / "tampered.tar.gz", replace={"media/empty.txt": b"not empty"}
    )
    smuggled = repack(archive, tmp_path / "smuggled.tar.gz", replace={"media/extra.html": b"<x>"})
    not_gzip = tmp_path / "not-a-backup.tar.gz"
    not_gzip.write_text("hello", encoding="utf-8")

    assert "cannot be unpacked" in refused(truncated)
    assert "media/empty.txt does not match its checksum" in refused(tampered)
    assert "media/extra.html" in refused(smuggled)
    assert "damaged" in refused(not_gzip)
    assert "is not a file" in refused(tmp_path / "missing.tar.gz")
    for message in map(refused, (truncated, tampered, smuggled, not_gzip)):
        assert message.endswith("Nothing was changed.")
    assert rows() == after_rows
    assert media_files(media_root) == after_files
    assert not list(data_dir.glob(".restore-*"))  # the unpacked copies are cleaned up


def test_archive_with_a_path_outside_the_data_folder_is_refused(
    data_dir: Path, tmp_path: Path
) -> None:
    make_records()
    archive = back_up()
    evil = repack(archive, tmp_path / "evil.tar.gz", replace={"../../escaped.txt": b"x"})
    assert "outside the archive" in refused(evil)
    assert not (tmp_path / "escaped.txt").exists()
    assert not (data_dir.parent / "escaped.txt").exists()


def test_backup_from_a_newer_version_is_refused(data_dir: Path, tmp_path: Path) -> None:
    make_records()
    archive = back_up()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    manifest["migrations"].append(["core", "9999_from_the_future"])
    newer = repack(
        archive,
        tmp_path / "newer.tar.gz",
        replace={"manifest.json": json.dumps(manifest).encode()},
    )
    assert "newer version" in refused(newer)


def test_command_line_round_trip_on_a_file_database(tmp_path: Path) -> None:
    """The commands as an operator runs them, on an SQLite file in WAL mode."""
    data = tmp_path / "site"
    env = {
        **os.environ,
        "RAVABET_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'ravabet.sqlite3'}",
        "RAVABET_FIRST_PASSWORD": "a-long-passphrase-for-1405",
    }

    def ravabet(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "ravabet", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    ravabet("migrate", "--noinput", "-v", "0")
    ravabet("createadmin", "chief", "--password-from-env", "RAVABET_FIRST_PASSWORD")
    (data / "media" / "photos").mkdir(parents=True)
    (data / "media" / "photos" / "a.jpg").write_bytes(b"\xff\xd8 first")
    archive = ravabet("backup").strip().splitlines()[-1]

    ravabet("createadmin", "second", "--password-from-env", "RAVABET_FIRST_PASSWORD")
    (data / "media" / "photos" / "a.jpg").write_bytes(b"\xff\xd8 overwritten")
    ravabet("restore", archive, "--noinput")

    listing = (
        "from ravabet.core.models import User;"
        " print(list(User.objects.values_list('username', flat=True)))"
    )
    assert ravabet("shell", "-v", "0", "-c", listing).strip().splitlines()[-1] == "['chief']"
    assert (data / "media" / "photos" / "a.jpg").read_bytes() == b"\xff\xd8 first"

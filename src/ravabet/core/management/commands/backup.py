"""``ravabet backup``: the database and the media folder in one checked archive.

SQLite is copied with its online backup API (a consistent copy while the site keeps running);
PostgreSQL with ``pg_dump -Fc``. The archive ``RAVABET_DATA_DIR/backups/ravabet-<UTC time>.tar.gz``
holds ``manifest.json`` (the sha256 and size of every file, the database vendor and the applied
migrations), the database file and ``media/``. ``ravabet restore`` checks it before changing
anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


def _version() -> str:
    try:
        return importlib.metadata.version("ravabet")
    except importlib.metadata.PackageNotFoundError:
        return ""


def backups_dir() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def postgres_env_and_args(settings_dict: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Connection arguments for pg_dump / pg_restore; the password goes in the environment,
    never on the command line where other users could read it."""
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args: list[str] = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    args += ["--dbname", str(settings_dict["NAME"])]
    return env, args


def applied_migrations() -> list[list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted([app, name] for app, name in applied)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader:
    """Reads a file for the archive and hashes exactly the bytes that go into it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        # Symbolic links could point outside the media folder; media are plain files.
        if path.is_file() and not path.is_symlink():
            yield path


def _archive_path(directory: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"ravabet-{stamp}.tar.gz"
    counter = 1
    while path.exists():
        counter += 1
        path = directory / f"ravabet-{stamp}-{counter}.tar.gz"
    return path


def dump_database(target_dir: Path) -> Path:
    """Write a consistent copy of the database into ``target_dir``."""
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    target = target_dir / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
            # The copy must not depend on a -wal file next to it.
            destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            destination.close()
    else:
        env, args = postgres_env_and_args(connection.settings_dict)
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(target), *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
    return target


def write_archive(destination: Path) -> dict[str, Any]:
    """Dump the database, pack it with the media folder and the manifest into ``destination``
    (written under a temporary name and renamed, so a half-written archive never looks done)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    files: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(dir=destination.parent) as scratch:
        database = dump_database(Path(scratch))
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add(archive, database, database.name, files)
                media_root = Path(settings.MEDIA_ROOT)
                for path in _media_files(media_root):
                    name = MEDIA_PREFIX + path.relative_to(media_root).as_posix()
                    _add(archive, path, name, files)
                manifest = {
                    "format": FORMAT_VERSION,
                    "created_at": dt.datetime.now(dt.UTC).isoformat(),
                    "ravabet_version": _version(),
                    "database": {"vendor": connection.vendor, "file": database.name},
                    "migrations": applied_migrations(),
                    "files": files,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
                info.mode = 0o600
                archive.addfile(info, io.BytesIO(data))
            partial.chmod(0o600)
            partial.replace(destination)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _add(archive: tarfile.TarFile, path: Path, name: str, files: dict[str, dict[str, Any]]) -> None:
    with path.open("rb") as handle:
        info = archive.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    files[name] = {"sha256": reader.digest.hexdigest(), "size": info.size}


class Command(BaseCommand):
    help = "Back up the database and the media folder into one archive with a checksum manifest."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            help="Folder for the archive (default: the backups folder in RAVABET_DATA_DIR).",
        )

    def handle(self, *args: Any, output_dir: Path | None = None, **options: Any) -> None:
        if getattr(settings, "S3_BUCKET", ""):
            self.stderr.write(
                "Media are in object storage (RAVABET_S3_BUCKET): back up the bucket separately;"
                " this archive holds the database and any local media only."
            )
        directory = (output_dir or backups_dir()).resolve()
        destination = _archive_path(directory)
        manifest = write_archive(destination)
        media = sum(1 for name in manifest["files"] if name.startswith(MEDIA_PREFIX))
        size = destination.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {destination} ({size:,} bytes; database and {media} media files)"
            )
        )
        # Make the path easy to pick up in scripts: the last line is the archive alone.
        self.stdout.write(str(destination))

"""``ravabet restore <archive>``: put back the database and media folder from ``ravabet backup``.

Everything is checked before anything changes: the archive unpacks cleanly, every file matches
the sha256 and size in the manifest and nothing unlisted is present, the database vendor
matches and the backup's migrations are known to this version. A damaged archive is refused
with a clear message and the data stays as it was.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from ravabet.core.management.commands.backup import (
    DATABASE_FILES,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    postgres_env_and_args,
    sha256_of,
)


class DamagedArchive(CommandError):
    """The archive cannot be trusted; nothing was changed."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"The backup archive is damaged: {reason}. Nothing was changed.")


def unpack(archive: Path, into: Path) -> dict[str, Any]:
    """Unpack ``archive`` into ``into`` and check it against its manifest; the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            names = [m.name for m in members if m.isfile()]
            for member in members:
                parts = PurePosixPath(member.name)
                if not (member.isfile() or member.isdir()):
                    raise DamagedArchive(f"{member.name} is not a regular file")
                if parts.is_absolute() or ".." in parts.parts:
                    raise DamagedArchive(f"{member.name} points outside the archive")
            if len(names) != len(set(names)):
                raise DamagedArchive("a file appears twice")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise DamagedArchive(f"it cannot be unpacked ({exc})") from None
    try:
        manifest: dict[str, Any] = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        files: dict[str, dict[str, Any]] = manifest["files"]
        database = manifest["database"]
        if manifest.get("format") != FORMAT_VERSION:
            raise DamagedArchive(f"unknown format {manifest.get('format')!r}")
    except (OSError, ValueError, KeyError, TypeError):
        raise DamagedArchive("the manifest is missing or unreadable") from None
    if database.get("file") not in files:
        raise DamagedArchive("the database file is not listed in the manifest")
    present = {name for name in names if name != MANIFEST}
    if present != set(files):
        extra, missing = sorted(present - set(files)), sorted(set(files) - present)
        raise DamagedArchive(f"files differ from the manifest (extra {extra}, missing {missing})")
    for name, expected in files.items():
        path = into / name
        if path.stat().st_size != expected.get("size") or sha256_of(path) != expected.get("sha256"):
            raise DamagedArchive(f"{name} does not match its checksum")
    return manifest


def check_compatible(manifest: dict[str, Any], unpacked: Path) -> list[list[str]]:
    """Refuse a backup this installation cannot take; return the migrations it lacks."""
    vendor = manifest["database"].get("vendor")
    if vendor != connection.vendor or DATABASE_FILES.get(vendor) != manifest["database"]["file"]:
        raise CommandError(
            f"This backup is of a {vendor} database; this installation uses {connection.vendor}."
            " Nothing was changed."
        )
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    backed_up = {f"{app}.{name}" for app, name in manifest.get("migrations", [])}
    unknown = sorted(backed_up - known)
    if unknown:
        raise CommandError(
            "This backup was made by a newer version of Ravabet (unknown migrations: "
            f"{', '.join(unknown[:5])}). Install that version first. Nothing was changed."
        )
    if vendor == "sqlite":
        check = sqlite3.connect(unpacked / manifest["database"]["file"])
        try:
            result = check.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise DamagedArchive(f"the database copy is unreadable ({exc})") from None
        finally:
            check.close()
        if result is None or result[0] != "ok":
            raise DamagedArchive("the database copy fails SQLite's integrity check")
    return sorted([k.split(".", 1) for k in known - backed_up])


def restore_database(manifest: dict[str, Any], unpacked: Path) -> None:
    source_file = unpacked / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(source_file)
        try:
            # The backup API replaces the live database page by page under SQLite's own
            # locking, so other connections see either the old or the restored database.
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connections.close_all()
        env, args = postgres_env_and_args(connection.settings_dict)
        result = subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(source_file),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(
                f"pg_restore failed and its transaction was rolled back: {result.stderr.strip()}"
            )
    ContentType.objects.clear_cache()


def restore_media(unpacked: Path) -> int:
    """Replace the media folder by the backup's; returns the number of files."""
    media_root = Path(settings.MEDIA_ROOT)
    restored = unpacked / MEDIA_PREFIX.rstrip("/")
    restored.mkdir(exist_ok=True)
    count = sum(1 for p in restored.rglob("*") if p.is_file())
    media_root.parent.mkdir(parents=True, exist_ok=True)
    previous = unpacked / "media-before-restore"
    try:
        if media_root.exists():
            media_root.rename(previous)
        restored.rename(media_root)
    except OSError:
        # Another file system or a mount point: empty the folder and copy instead.
        media_root.mkdir(parents=True, exist_ok=True)
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        shutil.copytree(restored, media_root, dirs_exist_ok=True)
    return count


class Command(BaseCommand):
    help = "Restore the database and media folder from an archive made by `ravabet backup`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path, help="The .tar.gz made by `ravabet backup`.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: Any, archive: Path, interactive: bool = True, **options: Any) -> None:
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file.")
        media_root = Path(settings.MEDIA_ROOT)
        media_root.parent.mkdir(parents=True, exist_ok=True)
        # Unpacked next to the media folder, so the swap at the end is a rename.
        with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as scratch:
            unpacked = Path(scratch)
            manifest = unpack(archive, unpacked)
            missing = check_compatible(manifest, unpacked)
            if interactive:
                answer = input(
                    f"This replaces the whole database and the media folder {media_root} with the"
                    f" backup of {manifest.get('created_at', '?')}. Type 'yes' to continue: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled. Nothing was changed.")
            restore_database(manifest, unpacked)
            count = restore_media(unpacked)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the database and {count} media files from {archive.name}"
                f" (backup of {manifest.get('created_at', '?')})."
            )
        )
        if missing:
            self.stdout.write(
                f"The backup predates {len(missing)} migrations of this version:"
                " run `ravabet migrate` and then `ravabet reindex` now."
            )
        else:
            # The search index is derived from the database, never backed up: rebuild it.
            call_command("reindex", verbosity=0, stdout=io.StringIO())
            self.stdout.write("The search index was rebuilt from the restored database.")

"""Configuration from the environment: embedded defaults, real services when configured, and a
loud failure on a malformed value. Each case imports the settings in a fresh interpreter."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ravabet.lib.env import EnvError, env_bool, env_choice, env_int, env_list

PROBE = """
import json
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "options": db.get("OPTIONS", {}),
    "storage": s.STORAGES["default"]["BACKEND"], "cache": s.CACHES["default"]["BACKEND"],
    "tasks": s.TASKS["default"]["BACKEND"], "secret": s.SECRET_KEY,
    "session_cookie": s.SESSION_COOKIE_NAME,
}))
"""


def settings_with(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RAVABET_", "DATABASE_URL", "REDIS_URL", "SECRET_KEY"))
    }
    clean |= {"DJANGO_SETTINGS_MODULE": "ravabet.settings", "RAVABET_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        check=False,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def read(tmp_path: Path, **env: str) -> dict[str, object]:
    result = settings_with(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    loaded: dict[str, object] = json.loads(result.stdout)
    return loaded


def test_defaults_are_embedded_sqlite_in_wal_mode_files_on_disk_and_a_database_queue(
    tmp_path: Path,
) -> None:
    conf = read(tmp_path)
    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["name"] == str(tmp_path / "ravabet.sqlite3")
    options = conf["options"]
    assert isinstance(options, dict)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout" in options["init_command"]
    assert conf["storage"] == "django.core.files.storage.FileSystemStorage"
    assert conf["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert conf["tasks"] == "django_tasks_db.DatabaseBackend"


def test_secret_key_is_generated_once_into_the_data_folder_and_kept(tmp_path: Path) -> None:
    first, second = read(tmp_path)["secret"], read(tmp_path)["secret"]
    assert first == second
    assert isinstance(first, str)
    assert len(first) >= 50
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert read(tmp_path, SECRET_KEY="x" * 60)["secret"] == "x" * 60


def test_postgresql_redis_and_s3_are_chosen_by_configuration(tmp_path: Path) -> None:
    conf = read(
        tmp_path,
        DATABASE_URL="postgres://ravabet@db.internal:5432/ravabet",
        REDIS_URL="redis://127.0.0.1:6379/3",
        RAVABET_TASK_BACKEND="redis",
        RAVABET_S3_BUCKET="ravabet-media",
        RAVABET_S3_ENDPOINT_URL="https://s3.example.ir",
    )
    assert conf["engine"] == "django.db.backends.postgresql"
    assert conf["name"] == "ravabet"
    assert conf["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert conf["tasks"] == "django_tasks_rq.RQBackend"
    assert conf["storage"] == "storages.backends.s3.S3Storage"


def test_https_deployment_uses_host_prefixed_cookies(tmp_path: Path) -> None:
    assert read(tmp_path, RAVABET_HTTPS="1")["session_cookie"] == "__Host-sessionid"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RAVABET_DEBUG": "ture"}, "RAVABET_DEBUG"),
        ({"RAVABET_SESSION_IDLE_MINUTES": "half an hour"}, "RAVABET_SESSION_IDLE_MINUTES"),
        ({"RAVABET_TASK_BACKEND": "celery"}, "RAVABET_TASK_BACKEND"),
        ({"RAVABET_TASK_BACKEND": "redis"}, "REDIS_URL"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_a_message_naming_it(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = settings_with(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_env_helpers_read_and_refuse_values() -> None:
    environ = {"A": " yes ", "B": "0", "N": "12", "L": "a, b,,c", "C": "sms"}
    assert env_bool("A", environ=environ) is True
    assert env_bool("B", True, environ=environ) is False
    assert env_bool("MISSING", True, environ=environ) is True
    assert env_int("N", 1, minimum=10, environ=environ) == 12
    assert env_list("L", environ=environ) == ["a", "b", "c"]
    assert env_choice("C", ("sms", "bale"), "bale", environ=environ) == "sms"
    with pytest.raises(EnvError, match="at least 20"):
        env_int("N", 1, minimum=20, environ=environ)
    with pytest.raises(EnvError, match="N"):
        env_bool("N", environ=environ)

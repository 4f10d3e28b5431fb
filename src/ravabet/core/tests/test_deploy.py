"""Production settings: Django's deployment check, security headers on every page and
``__Host-`` cookies over HTTPS (SECURITY.md, "Headers and deployment")."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from ravabet.core.models import Organisation, User
from ravabet.core.tests.factories import PASSWORD


def production_env(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("RAVABET_", "DJANGO_")) and key not in {"SECRET_KEY", "DEBUG"}
    }
    env.update(
        {
            "RAVABET_HTTPS": "1",
            "RAVABET_DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(48)[:64],
            "RAVABET_ALLOWED_HOSTS": "ravabet.example.ir",
            "RAVABET_DATA_DIR": str(data_dir),
        }
    )
    return env


def test_deployment_check_passes_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ravabet", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


SECURE_SETTINGS = [
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "HTTPS",
    "DEBUG",
]


@pytest.fixture(scope="module")
def production_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The security settings a production process computes from its environment."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {SECURE_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **production_env(tmp_path_factory.mktemp("data")),
            "DJANGO_SETTINGS_MODULE": "ravabet.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_production_settings_use_host_prefixed_secure_cookies_and_hsts(
    production_settings: dict[str, Any],
) -> None:
    assert production_settings["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production_settings["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["DEBUG"] is False


def test_cookies_over_https_are_host_prefixed_and_secure(
    production_settings: dict[str, Any], author: User, settings: Any
) -> None:
    """The production values applied to this process: the cookies a browser really gets."""
    for name in SECURE_SETTINGS:
        value = production_settings[name]
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    author.set_password(PASSWORD)
    author.save()
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    page = client.get(reverse("core:login"), secure=True)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    response = client.post(
        reverse("core:login"), {"username": "author", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    cookies = {**page.cookies, **response.cookies}
    assert {"__Host-sessionid", "__Host-csrftoken"} <= set(cookies)
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        morsel = cookies[name]
        # What browsers demand of a __Host- cookie: Secure, Path=/ and no Domain.
        assert morsel["secure"] is True, name
        assert morsel["path"] == "/", name
        assert not morsel["domain"], name
    assert cookies["__Host-sessionid"]["httponly"] is True
    assert "sessionid" not in cookies
    assert "csrftoken" not in cookies
    # Plain HTTP is sent to HTTPS.
    insecure = Client().get(reverse("core:login"))
    assert insecure.status_code == 301
    assert insecure["Location"].startswith("https://")


def test_passwords_are_hashed_with_argon2() -> None:
    assert django_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert make_password("a-long-passphrase-1405").startswith("argon2$argon2id$")


def assert_secure_headers(response: Any, label: str) -> None:
    policy = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["object-src"] == ["'none'"], label
    assert directives["frame-ancestors"] == ["'none'"], label
    assert directives["script-src"] == ["'self'"], label
    assert "'unsafe-inline'" not in policy, label
    assert "'unsafe-eval'" not in policy, label
    assert response["X-Content-Type-Options"] == "nosniff", label
    assert response["Referrer-Policy"] == "same-origin", label
    assert response["X-Frame-Options"] == "DENY", label
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", label
    assert "camera=()" in response["Permissions-Policy"], label


def test_every_page_sends_the_security_headers(
    admin_user: User, author: User, org_a: Organisation, settings: Any
) -> None:
    settings.SECOND_FACTOR_REQUIRED_ROLES = []
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    anonymous = Client()
    pages = {
        "sign-in": anonymous.get(reverse("core:login")),
        "redirect to sign-in": anonymous.get(reverse("core:dashboard")),
        "not found": anonymous.get("/no-such-page/"),
    }
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        locked = anonymous.post(
            reverse("core:login"), {"username": "author", "password": f"wrong-{n}"}
        )
    pages["locked out"] = locked
    assert locked.status_code == 429

    member = Client()
    member.force_login(author)
    pages |= {
        "dashboard": member.get(reverse("core:dashboard")),
        "profile": member.get(reverse("core:profile")),
        "organisations": member.get(reverse("core:organisation_list")),
        "organisation": member.get(reverse("core:organisation_detail", args=[org_a.pk])),
        "history partial": member.get(
            reverse("core:object_history", args=["core.organisation", org_a.pk])
        ),
        "second-factor setup": member.get(reverse("core:second_factor_setup")),
        "forbidden admin": member.get(reverse("admin:index")),
    }
    administrator = Client()
    administrator.force_login(admin_user)
    pages |= {
        "admin index": administrator.get(reverse("admin:index")),
        "admin users": administrator.get(reverse("admin:core_user_changelist")),
        "admin security log": administrator.get(reverse("admin:core_securityevent_changelist")),
    }
    for label, response in pages.items():
        assert_secure_headers(response, label)
    assert pages["dashboard"].status_code == 200
    assert pages["admin index"].status_code == 200

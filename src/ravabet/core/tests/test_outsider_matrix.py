"""Every URL that takes an object id, requested by an outsider from another agency.

The URL list is generated from the resolver, so a view added later is covered without
touching this file: a URL with an object id must declare its model (``@object_view``) and that
model must have a factory in ``SCOPED_FACTORIES``, otherwise this test fails and says what is
missing. The Django admin is for system administrators only (``is_staff``, always province-wide):
every admin URL sends an outsider to sign in. SECURITY.md promise 1: 0 leaks, 0 edits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import autodiscover_modules

from ravabet.core.models import Organisation, User
from ravabet.core.tests.factories import SCOPED_FACTORIES

# Each domain app registers its scoped factories in its tests/factories.py.
autodiscover_modules("tests.factories")

ID_PARAMS = {"pk", "id", "object_id"}
DENIED = {302, 403, 404, 405}


@dataclass(frozen=True)
class ObjectUrl:
    name: str
    params: tuple[str, ...]
    model: type[models.Model]

    def __str__(self) -> str:
        return f"{self.name} ({self.model._meta.label})"


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _params(pattern: URLPattern) -> tuple[str, ...]:
    return tuple(pattern.pattern.converters) or tuple(
        re.findall(r"\(\?P<(\w+)>", str(pattern.pattern))
    )


def _declared_model(pattern: URLPattern) -> type[models.Model] | None:
    callback = pattern.callback
    model = getattr(callback, "scoped_model", None) or getattr(
        getattr(callback, "view_class", None), "scoped_model", None
    )
    return model if isinstance(model, type) and issubclass(model, models.Model) else None


def object_urls() -> tuple[list[ObjectUrl], list[str]]:
    """The URLs with object ids, and the names of those that declare no model."""
    found: list[ObjectUrl] = []
    undeclared: list[str] = []
    for name, pattern in _walk(get_resolver().url_patterns):
        params = _params(pattern)
        if not params or name.startswith("admin:"):
            continue
        model = _declared_model(pattern)
        if model is None:
            undeclared.append(name)
            continue
        if model._meta.abstract:
            # A view over every model of a kind (the object history): try each concrete one.
            found += [ObjectUrl(name, params, m) for m in SCOPED_FACTORIES if issubclass(m, model)]
        else:
            found.append(ObjectUrl(name, params, model))
    return found, undeclared


def _kwargs(url: ObjectUrl, obj: models.Model) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for param in url.params:
        if param in ID_PARAMS:
            kwargs[param] = obj.pk
        elif param == "model":
            kwargs[param] = obj._meta.label_lower
        elif param in {f.name for f in obj._meta.fields if f.unique}:
            # A URL naming its object by another unique field (a digest by its day): the
            # value goes to the path converter, which writes it in the URL's form.
            kwargs[param] = getattr(obj, param)
        else:
            raise AssertionError(
                f"{url}: unknown URL parameter {param!r}; teach this test about it"
            )
    return kwargs


def _state(obj: models.Model) -> dict[str, Any] | None:
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    return None if fresh is None else model_to_dict(fresh)


def test_every_url_with_an_object_id_declares_its_model() -> None:
    _found, undeclared = object_urls()
    assert undeclared == [], (
        "These URLs take an object id but declare no model; decorate the view with "
        f"@object_view(Model): {undeclared}"
    )


def test_every_declared_model_has_a_scoped_factory() -> None:
    found, _ = object_urls()
    missing = sorted({u.model._meta.label for u in found if u.model not in SCOPED_FACTORIES})
    assert missing == [], (
        f"Register these models in SCOPED_FACTORIES (from the app's tests/factories.py): {missing}"
    )


@pytest.mark.django_db
def test_outsider_can_neither_read_nor_change_any_object_of_another_agency(
    author: User, outsider: User, admin_user: User, org_a: Organisation, settings: Any
) -> None:
    settings.SECOND_FACTOR_REQUIRED_ROLES = []
    found, _ = object_urls()
    assert found, "no URL with an object id was found"
    outsider_client, control = Client(), Client()
    outsider_client.force_login(outsider)
    control.force_login(admin_user)
    leaks: list[str] = []
    for url in found:
        obj = SCOPED_FACTORIES[url.model](org_a, author)
        path = reverse(url.name, kwargs=_kwargs(url, obj))
        # The positive control proves the URL really points at an existing object.
        assert control.get(path).status_code != 404, f"{url}: {path} is 404 even for an admin"
        before = _state(obj)
        for method in ("get", "post"):
            response = getattr(outsider_client, method)(path)
            if response.status_code not in DENIED:
                leaks.append(f"{method.upper()} {path} -> {response.status_code} ({url})")
            elif response.status_code == 302:
                assert "/login" in response["Location"], (
                    f"{path} redirected to {response['Location']}"
                )
        if _state(obj) != before:
            leaks.append(f"{path} changed {url.model._meta.label} #{obj.pk}")
    assert leaks == [], "\n".join(leaks)


@pytest.mark.django_db
def test_every_admin_url_sends_an_outsider_to_sign_in(outsider: User) -> None:
    client = Client()
    client.force_login(outsider)
    checked = 0
    for name, pattern in _walk(get_resolver().url_patterns):
        if not name.startswith("admin:") or name in {"admin:login", "admin:logout"}:
            continue
        kwargs = {p: ("auth" if p == "app_label" else "1") for p in _params(pattern)}
        path = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 302, f"{method.upper()} {path} -> {response.status_code}"
            assert reverse("admin:login") in response["Location"], path
        checked += 1
    assert checked > 10

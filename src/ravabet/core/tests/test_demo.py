from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from ravabet.core import demo
from ravabet.core.models import Organisation, OrganisationKind, SearchBacklogEntry, User
from ravabet.core.search.backends.tantivy_index import release_index
from ravabet.core.search.indexing import check_drift, flush_search_backlog, update_search_index
from ravabet.core.search.registry import sources


def test_demo_data_has_the_provinces_sixteen_counties_and_one_person_per_role(db: None) -> None:
    created = demo.load()
    assert Organisation.objects.filter(kind=OrganisationKind.COUNTY).count() == 16
    assert created["users"] == len(demo.USERS)
    roles = {role for spec in demo.USERS for role in spec.roles}
    for role in roles:
        assert User.objects.filter(groups__name=role).exists(), role
    assert User.objects.get(username="governor").check_password(demo.DEMO_PASSWORD)


def test_loading_the_demo_again_keeps_the_data_and_adds_nothing(db: None) -> None:
    demo.load()
    counts = (Organisation.objects.count(), User.objects.count())
    assert demo.load() == {"organisations": 0, "users": 0}
    assert (Organisation.objects.count(), User.objects.count()) == counts


def test_printed_demo_code_opens_the_administrators_second_factor(db: None) -> None:
    demo.load()
    device = TOTPDevice.objects.get(user__username="admin")
    assert device.verify_token(demo.current_admin_code())


def test_preparing_the_demo_indexes_everything_once_without_a_job_per_row(
    db: None, settings: Any, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    try:
        call_command("demo", "--no-serve", stdout=io.StringIO())
        assert all(check_drift(label).is_clean for label in sources())
        assert not DBTaskResult.objects.filter(
            task_path__in=[update_search_index.module_path, flush_search_backlog.module_path]
        ).exists()
        assert not SearchBacklogEntry.objects.exists()
    finally:
        release_index()

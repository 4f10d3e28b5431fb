from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from ravabet.core import demo
from ravabet.core.models import Organisation, OrganisationKind, User


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

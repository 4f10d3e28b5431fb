"""Realistic Persian demo data: Tehran province's organisations and one person per role.

The organisations are real (the province's sixteen counties and a realistic set of provincial
agencies); the people are invented. Loading is idempotent: it creates what is missing.

Each domain app may add its own demo in a ``<app>.demo`` module (found like the apps'
``tasks.register_schedules``): ``load() -> dict[str, int]`` (what it created, run after the
kernel's), and optionally ``environment() -> dict[str, str]`` (settings for the demo's web
server and worker), ``processes() -> list[list[str]]`` (more child processes to run beside
them) and ``notes() -> list[str]`` (what to try, printed under the logins).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ravabet.core.context import SYSTEM, acting_as
from ravabet.core.models import Organisation, OrganisationKind, Role, User

DEMO_PASSWORD = "tehran-ravabet-1405"  # noqa: S105 - the published demo password
# A fixed authenticator key for the demo administrator, printed with the demo logins so a
# visitor can pair an app (or run `oathtool --totp -b KEY`). Demo data only.
DEMO_ADMIN_TOTP_KEY = "RAVABETDEMOADMINTOTPKEY234567ABC"

K = OrganisationKind
GOVERNORATE = ("tehran-governorate", K.GOVERNORATE, "استانداری تهران", "Tehran Governorate", None)
ORGANISATIONS: list[tuple[str, str, str, str, str | None]] = [
    GOVERNORATE,
    (
        "deputy-political",
        K.DEPUTY,
        "معاونت سیاسی، امنیتی و اجتماعی",
        "Deputy for Political, Security and Social Affairs",
        "tehran-governorate",
    ),
    (
        "deputy-development",
        K.DEPUTY,
        "معاونت هماهنگی امور عمرانی",
        "Deputy for Development Coordination",
        "tehran-governorate",
    ),
    (
        "deputy-economic",
        K.DEPUTY,
        "معاونت هماهنگی امور اقتصادی",
        "Deputy for Economic Coordination",
        "tehran-governorate",
    ),
    (
        "deputy-management",
        K.DEPUTY,
        "معاونت توسعه مدیریت و منابع",
        "Deputy for Management Development and Resources",
        "tehran-governorate",
    ),
    (
        "pr-directorate",
        K.DIRECTORATE,
        "اداره کل روابط عمومی و امور بین‌الملل",
        "Directorate-General of Public Relations and International Affairs",
        "tehran-governorate",
    ),
    (
        "governor-office",
        K.DIRECTORATE,
        "دفتر استاندار",
        "Office of the Governor",
        "tehran-governorate",
    ),
    (
        "social-affairs",
        K.DIRECTORATE,
        "دفتر امور اجتماعی",
        "Social Affairs Office",
        "deputy-political",
    ),
    (
        "political-affairs",
        K.DIRECTORATE,
        "دفتر امور سیاسی و انتخابات",
        "Political Affairs and Elections Office",
        "deputy-political",
    ),
    (
        "crisis-management",
        K.DIRECTORATE,
        "اداره کل مدیریت بحران",
        "Directorate-General of Crisis Management",
        "deputy-development",
    ),
    (
        "urban-affairs",
        K.DIRECTORATE,
        "دفتر امور شهری و شوراها",
        "Urban Affairs and Councils Office",
        "deputy-development",
    ),
    (
        "economic-affairs",
        K.DIRECTORATE,
        "دفتر امور اقتصادی و بین‌الملل",
        "Economic and International Affairs Office",
        "deputy-economic",
    ),
]
COUNTIES = [
    ("tehran", "تهران", "Tehran"), ("eslamshahr", "اسلامشهر", "Eslamshahr"),
    ("baharestan", "بهارستان", "Baharestan"), ("pakdasht", "پاکدشت", "Pakdasht"),
    ("pardis", "پردیس", "Pardis"), ("pishva", "پیشوا", "Pishva"),
    ("damavand", "دماوند", "Damavand"), ("robat-karim", "رباط‌کریم", "Robat Karim"),
    ("rey", "ری", "Rey"), ("shemiranat", "شمیرانات", "Shemiranat"),
    ("shahriar", "شهریار", "Shahriar"), ("firuzkuh", "فیروزکوه", "Firuzkuh"),
    ("qods", "قدس", "Qods"), ("qarchak", "قرچک", "Qarchak"),
    ("malard", "ملارد", "Malard"), ("varamin", "ورامین", "Varamin"),
]  # fmt: skip
AGENCIES = [
    (
        "education",
        K.AGENCY,
        "اداره کل آموزش و پرورش استان تهران",
        "Tehran Province Education Directorate",
    ),
    (
        "health-university",
        K.AGENCY,
        "دانشگاه علوم پزشکی تهران",
        "Tehran University of Medical Sciences",
    ),
    (
        "roads-urban",
        K.AGENCY,
        "اداره کل راه و شهرسازی استان تهران",
        "Roads and Urban Development Directorate",
    ),
    ("welfare", K.AGENCY, "اداره کل بهزیستی استان تهران", "Welfare Directorate"),
    (
        "heritage",
        K.AGENCY,
        "اداره کل میراث فرهنگی، گردشگری و صنایع‌دستی استان تهران",
        "Cultural Heritage, Tourism and Handicrafts Directorate",
    ),
    ("agriculture", K.AGENCY, "سازمان جهاد کشاورزی استان تهران", "Agriculture Jihad Organisation"),
    (
        "culture",
        K.AGENCY,
        "اداره کل فرهنگ و ارشاد اسلامی استان تهران",
        "Culture and Islamic Guidance Directorate",
    ),
    ("sports", K.AGENCY, "اداره کل ورزش و جوانان استان تهران", "Sports and Youth Directorate"),
    ("regional-water", K.AGENCY, "شرکت آب منطقه‌ای تهران", "Tehran Regional Water Company"),
    ("water-wastewater", K.AGENCY, "شرکت آب و فاضلاب استان تهران", "Water and Wastewater Company"),
    (
        "electricity",
        K.AGENCY,
        "شرکت توزیع نیروی برق استان تهران",
        "Electricity Distribution Company",
    ),
    ("gas", K.AGENCY, "شرکت گاز استان تهران", "Tehran Province Gas Company"),
    (
        "natural-resources",
        K.AGENCY,
        "اداره کل منابع طبیعی و آبخیزداری استان تهران",
        "Natural Resources and Watershed Directorate",
    ),
    (
        "environment",
        K.AGENCY,
        "اداره کل حفاظت محیط زیست استان تهران",
        "Environment Protection Directorate",
    ),
    (
        "industry",
        K.AGENCY,
        "سازمان صنعت، معدن و تجارت استان تهران",
        "Industry, Mine and Trade Organisation",
    ),
    (
        "labour",
        K.AGENCY,
        "اداره کل تعاون، کار و رفاه اجتماعی استان تهران",
        "Cooperatives, Labour and Social Welfare Directorate",
    ),
    (
        "planning",
        K.AGENCY,
        "سازمان مدیریت و برنامه‌ریزی استان تهران",
        "Management and Planning Organisation",
    ),
    ("police", K.AGENCY, "فرماندهی انتظامی استان تهران", "Provincial Police Command"),
    ("red-crescent", K.AGENCY, "جمعیت هلال احمر استان تهران", "Red Crescent Society"),
    (
        "relief-committee",
        K.REVOLUTIONARY,
        "کمیته امداد امام خمینی (ره) استان تهران",
        "Imam Khomeini Relief Committee",
    ),
    (
        "housing-foundation",
        K.REVOLUTIONARY,
        "بنیاد مسکن انقلاب اسلامی استان تهران",
        "Housing Foundation of the Islamic Revolution",
    ),
    (
        "martyrs-foundation",
        K.REVOLUTIONARY,
        "بنیاد شهید و امور ایثارگران استان تهران",
        "Foundation of Martyrs and Veterans Affairs",
    ),
    (
        "islamic-propagation",
        K.REVOLUTIONARY,
        "سازمان تبلیغات اسلامی استان تهران",
        "Islamic Propagation Organisation",
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    job_title: str
    organisation: str
    roles: tuple[str, ...]
    superuser: bool = False


R = Role
USERS = [
    DemoUser(
        "admin", "سامان", "کریمی", "مدیر سامانه", "pr-directorate", (R.ADMIN,), superuser=True
    ),
    DemoUser(
        "director",
        "مهدی",
        "نوروزی",
        "مدیرکل روابط عمومی و امور بین‌الملل",
        "pr-directorate",
        (R.PR_DIRECTOR,),
    ),
    DemoUser(
        "officehead", "پریسا", "قادری", "مسئول دفتر روابط عمومی", "pr-directorate", (R.OFFICE_HEAD,)
    ),
    DemoUser(
        "analyst", "زهرا", "احمدی", "کارشناس پایش رسانه", "pr-directorate", (R.MONITORING_ANALYST,)
    ),
    DemoUser("editor", "علی", "رضایی", "دبیر خبر", "pr-directorate", (R.NEWS_EDITOR,)),
    DemoUser(
        "archivist", "حسین", "موسوی", "عکاس و کارشناس آرشیو", "pr-directorate", (R.ARCHIVIST,)
    ),
    DemoUser(
        "protocol",
        "نرگس",
        "حیدری",
        "کارشناس تشریفات و امور بین‌الملل",
        "pr-directorate",
        (R.PROTOCOL_OFFICER,),
    ),
    DemoUser(
        "secretary", "رضا", "صادقی", "دبیرخانه شوراها", "pr-directorate", (R.COUNCIL_SECRETARY,)
    ),
    DemoUser(
        "pollster", "مریم", "جعفری", "کارشناس افکارسنجی", "pr-directorate", (R.POLLING_OFFICER,)
    ),
    DemoUser("librarian", "فاطمه", "کاظمی", "کتابدار", "pr-directorate", (R.LIBRARIAN,)),
    DemoUser(
        "council",
        "محمد",
        "طاهری",
        "معاون سیاسی، امنیتی و اجتماعی؛ رئیس شورای اطلاع‌رسانی",
        "deputy-political",
        (R.COUNCIL_APPROVER, R.DEPUTY_GOVERNOR),
    ),
    DemoUser("governor", "حمید", "اکبری", "استاندار تهران", "governor-office", (R.GOVERNOR,)),
    DemoUser("county", "امیر", "نجفی", "فرماندار شهریار", "shahriar", (R.COUNTY_GOVERNOR,)),
    DemoUser(
        "agency",
        "سارا",
        "محمدی",
        "مدیر روابط عمومی آموزش و پرورش",
        "education",
        (R.AGENCY_OFFICER,),
    ),
    DemoUser(
        "agency2",
        "کامران",
        "یوسفی",
        "مدیر روابط عمومی دانشگاه علوم پزشکی",
        "health-university",
        (R.AGENCY_OFFICER,),
    ),
]


def _organisation_rows() -> list[tuple[str, str, str, str, str | None]]:
    rows = list(ORGANISATIONS)
    rows += [
        (f"county-{c}", K.COUNTY, f"فرمانداری {fa}", f"{en} County Governorate", GOVERNORATE[0])
        for c, fa, en in COUNTIES
    ]
    rows += [(code, kind, fa, en, GOVERNORATE[0]) for code, kind, fa, en in AGENCIES]
    return rows


def load() -> dict[str, int]:
    """Create the demo organisations and people that are missing; returns what was created."""
    created = {"organisations": 0, "users": 0}
    with transaction.atomic(), acting_as(SYSTEM):
        by_code = {o.code: o for o in Organisation.objects.all()}
        for code, kind, fa, en, parent in _organisation_rows():
            if code in by_code:
                continue
            by_code[code] = Organisation.objects.create(
                code=code,
                kind=kind,
                name_fa=fa,
                name_en=en,
                parent=by_code[parent] if parent else None,
            )
            created["organisations"] += 1
        by_code["shahriar"] = by_code["county-shahriar"]
        groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
        for spec in USERS:
            if User.objects.filter(username=spec.username).exists():
                continue
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                job_title=spec.job_title,
                email=f"{spec.username}@ravabet.example",
                organisation=by_code[spec.organisation],
                is_staff=spec.superuser,
                is_superuser=spec.superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([groups[r] for r in spec.roles])
            if spec.superuser:
                TOTPDevice.objects.create(
                    user=user,
                    name="demo authenticator",
                    confirmed=True,
                    key=_admin_key().hex(),
                )
            created["users"] += 1
    return created


def _admin_key() -> bytes:
    padded = DEMO_ADMIN_TOTP_KEY + "=" * (-len(DEMO_ADMIN_TOTP_KEY) % 8)
    return base64.b32decode(padded)


def current_admin_code() -> str:
    """The demo administrator's authenticator code right now (demo key only)."""
    return f"{totp(_admin_key()):06d}"


def logins_table() -> str:
    width = max(len(u.username) for u in USERS)
    lines = [
        f"  {u.username.ljust(width)}  {u.first_name} {u.last_name} — {u.job_title}" for u in USERS
    ]
    return "\n".join(lines)


def app_demos() -> list[tuple[str, ModuleType]]:
    """The domain apps' demo modules, by app label, in the order the apps are installed."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("ravabet.") or config.name == "ravabet.core":
            continue
        module_name = f"{config.name}.demo"
        if find_spec(module_name) is not None:
            found.append((config.label, import_module(module_name)))
    return found


def _hook(module: ModuleType, name: str, default: Any) -> Any:
    function = getattr(module, name, None)
    return function() if callable(function) else default


def load_apps() -> dict[str, dict[str, int]]:
    """Load every app's demo after the kernel's; what each created, by app label."""
    return {label: module.load() for label, module in app_demos()}


def app_environment() -> dict[str, str]:
    """The settings the apps' demos need in the web server and worker (demo mode only)."""
    merged: dict[str, str] = {}
    for _label, module in app_demos():
        merged.update(_hook(module, "environment", {}))
    return merged


def app_processes() -> list[list[str]]:
    return [argv for _label, module in app_demos() for argv in _hook(module, "processes", [])]


def app_notes() -> list[str]:
    return [line for _label, module in app_demos() for line in _hook(module, "notes", [])]

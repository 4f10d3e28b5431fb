"""A seeded, labelled set for story clustering, generated from real Persian news.

Each base article (the Fars files, or any list of title/paragraphs) is one story. Its members:
the original; syndicated copies (another agency's dateline and closing, Arabic or Persian letters,
ZWNJ dropped or added, digits switched, sometimes a site-name title suffix); light edits
(sentences dropped or reordered, a paragraph added, the title rewritten); truncated leads (title
and first paragraph); and re-fetched exact copies. Hard negatives, each its own story: the other
articles of the same topic published the same days; number-dense articles re-issued with other
numbers (a daily price table); and template news — the same sentences with another city,
magnitude, time or toll (two earthquakes in two cities are two stories).

Items arrive in publication order plus a delivery delay, so some copies published earlier than
the original arrive after it. The generator imports nothing from ``ravabet``: it never shares
code with what it measures.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ZWNJ = "\u200c"
DAY = timedelta(days=1)
EPOCH = datetime(2026, 3, 21, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Article:
    """A base article: the raw material of one story."""

    title: str
    paragraphs: list[str]
    topic: str


@dataclass(frozen=True)
class Item:
    """One generated item with its label."""

    item_id: int
    title: str
    text: str
    published: datetime
    arrival: datetime
    story: str  # the true story label
    kind: str  # original, copy, edit, lead, exact, renumbered, template, template-copy


def load_fars(files: list[Path]) -> list[Article]:
    """The Fars articles with at least one paragraph; the topic is the subcategory or category.

    The files hold a few articles twice (one text, two links): only the first is kept, as one
    story cannot be two.
    """
    articles: list[Article] = []
    seen: set[str] = set()
    for path in files:
        for raw in json.loads(path.read_text(encoding="utf-8")):
            paragraphs = raw.get("paragraphs") or []
            if isinstance(paragraphs, str):
                paragraphs = [paragraphs]
            paragraphs = [p.strip() for p in paragraphs if p and p.strip()]
            if not paragraphs or not raw.get("title"):
                continue
            key = re.sub(r"\W+", "", " ".join(paragraphs).translate(_TO_PERSIAN))[:400]
            if key in seen:
                continue
            seen.add(key)
            topic = raw.get("subcat") or raw.get("cat") or "other"
            articles.append(Article(raw["title"].strip(), paragraphs, topic))
    return articles


# --- spelling variants -------------------------------------------------------------------------

_TO_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
_DIGITS = {
    "latin": "0123456789",
    "persian": "۰۱۲۳۴۵۶۷۸۹",
    "arabic": "٠١٢٣٤٥٦٧٨٩",
}
_ANY_DIGIT = re.compile(r"\d")


def _digits(text: str, style: str) -> str:
    target = _DIGITS[style]
    return _ANY_DIGIT.sub(lambda m: target[int(m.group())], text)


def _respell(text: str, rng: random.Random) -> str:
    """The same text typed otherwise: letters, ZWNJ and digits."""
    text = text.translate(_TO_ARABIC if rng.random() < 0.5 else _TO_PERSIAN)
    choice = rng.random()
    if choice < 0.3:
        text = text.replace(ZWNJ, "")
    elif choice < 0.6:
        text = text.replace(ZWNJ, " ")
    elif choice < 0.8:
        text = re.sub(r"\bمی (?=\w)", "می" + ZWNJ, text)
        text = re.sub(r"(?<=\w) (ها|های|تر|ترین)\b", ZWNJ + r"\1", text)
    return _digits(text, rng.choice(list(_DIGITS)))


# --- boilerplate -------------------------------------------------------------------------------

_CITIES = [
    "تهران",
    "مشهد",
    "اصفهان",
    "تبریز",
    "شیراز",
    "کرج",
    "اهواز",
    "قم",
    "کرمانشاه",
    "رشت",
    "ارومیه",
    "زاهدان",
    "همدان",
    "یزد",
    "اردبیل",
    "بندرعباس",
    "زنجان",
    "سنندج",
    "قزوین",
    "خرم‌آباد",
    "گرگان",
    "ساری",
    "بجنورد",
    "بیرجند",
    "سمنان",
    "ایلام",
    "بوشهر",
    "شهرکرد",
    "یاسوج",
    "اراک",
    "کرمان",
]
_PROVINCE_OF = {
    "تهران": "تهران",
    "مشهد": "خراسان رضوی",
    "اصفهان": "اصفهان",
    "تبریز": "آذربایجان شرقی",
    "شیراز": "فارس",
    "کرج": "البرز",
    "اهواز": "خوزستان",
    "قم": "قم",
    "کرمانشاه": "کرمانشاه",
    "رشت": "گیلان",
    "ارومیه": "آذربایجان غربی",
    "زاهدان": "سیستان و بلوچستان",
    "همدان": "همدان",
    "یزد": "یزد",
    "اردبیل": "اردبیل",
    "بندرعباس": "هرمزگان",
    "زنجان": "زنجان",
    "سنندج": "کردستان",
    "قزوین": "قزوین",
    "خرم‌آباد": "لرستان",
    "گرگان": "گلستان",
    "ساری": "مازندران",
    "بجنورد": "خراسان شمالی",
    "بیرجند": "خراسان جنوبی",
    "سمنان": "سمنان",
    "ایلام": "ایلام",
    "بوشهر": "بوشهر",
    "شهرکرد": "چهارمحال و بختیاری",
    "یاسوج": "کهگیلویه و بویراحمد",
    "اراک": "مرکزی",
    "کرمان": "کرمان",
}
_DESKS = ["سیاسی", "اجتماعی", "اقتصادی", "فرهنگی", "ورزشی", "بین‌الملل", "استان‌ها"]


def _head(rng: random.Random) -> str:
    city = rng.choice(_CITIES)
    desk = rng.choice(_DESKS)
    forms = [
        f"{city}- ایرنا- ",
        f"{city} - ایرنا - ",
        "به گزارش ایسنا، ",
        f"به گزارش خبرنگار {desk} ایسنا، ",
        f"به گزارش خبرگزاری تسنیم از {city}، ",
        f"به گزارش خبرنگار {desk} خبرگزاری تسنیم، ",
        f"خبرگزاری مهر - گروه {desk}: ",
        "به گزارش خبرگزاری مهر، ",
        f"به گزارش خبرگزاری فارس از {city}، ",
        "به گزارش باشگاه خبرنگاران جوان، ",
        f"{city} (ایرنا) - ",
        f"ایسنا/{_PROVINCE_OF[city]} ",
        "به نقل از روابط عمومی استانداری تهران، ",
        "",
    ]
    return rng.choice(forms)


def _tail(rng: random.Random) -> str:
    code = rng.randint(1000, 9999)
    forms = [
        " انتهای پیام/",
        "\nانتهای پیام/",
        f" /{code}",
        f"\n**{code}",
        " (ایرنا)",
        f"\nکد خبر: {rng.randint(100000, 999999)}",
        "\nمنبع: فارس",
        f"\nعکس از {rng.choice(['علی', 'مریم', 'حسین'])} {rng.choice(['رضایی', 'احمدی', 'کریمی'])}",
        " لینک کپی شد",
        "",
        "",
    ]
    return rng.choice(forms)


_FARS_HEAD = re.compile(
    r"^\s*(?:به گزارش|به نقل از)[^.،,:؛\n]{0,120}[،,:؛]\s*|^\s*خبرگزار[یي] فارس\s*:\s*"
)


def _unattributed(paragraphs: list[str]) -> list[str]:
    """The paragraphs without the source's own opening formula (a syndicator writes its own)."""
    first = _FARS_HEAD.sub("", paragraphs[0], count=1)
    return [first, *paragraphs[1:]] if first else paragraphs[1:] or paragraphs


def _title_suffix(title: str, rng: random.Random) -> str:
    return rng.choice(
        [
            title,
            title,
            title + " - خبرگزاری مهر | اخبار ایران و جهان | Mehr News Agency",
            title + " | ایسنا",
            title + " - ایرنا",
        ]
    )


# --- edits -------------------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!؟])\s+")


def _sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE.split(paragraph) if s.strip()]


def _edit(paragraphs: list[str], filler: str, rng: random.Random) -> list[str]:
    """Drop or reorder a sentence or two, perhaps add a paragraph: a quarter of the text at most.

    One sentence in five may go (at least one), and an added paragraph is at most a quarter of
    the article's length; more than that is a rewrite, not a light edit.
    """
    paragraphs = list(paragraphs)
    moves = rng.sample(["drop", "reorder", "add"], k=rng.randint(1, 2))
    words = len(" ".join(paragraphs).split())
    sentences = sum(len(_sentences(p)) for p in paragraphs)
    if "drop" in moves:
        for _ in range(rng.randint(1, max(1, sentences // 5))):
            long_ones = [i for i, p in enumerate(paragraphs) if len(_sentences(p)) > 1]
            if long_ones:
                i = rng.choice(long_ones)
                parts = _sentences(paragraphs[i])
                del parts[rng.randrange(1, len(parts))]
                paragraphs[i] = " ".join(parts)
            elif len(paragraphs) > 2:
                del paragraphs[rng.randrange(1, len(paragraphs))]
    if "reorder" in moves and len(paragraphs) > 2:
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    if "add" in moves and filler and len(filler.split()) <= words // 4:
        paragraphs.insert(rng.randint(1, len(paragraphs)), filler)
    return paragraphs


_TITLE_PREFIXES = ["فوری: ", "ویدئو | ", "گزارش تصویری: ", ""]


def _retitle(title: str, rng: random.Random) -> str:
    words = title.split()
    choice = rng.random()
    if choice < 0.3 and len(words) > 4:
        cut = rng.randint(len(words) - 2, len(words) - 1)
        return " ".join(words[:cut])
    if choice < 0.6 and len(words) > 3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
        return " ".join(words)
    return rng.choice(_TITLE_PREFIXES) + title


# --- hard negatives ----------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+")


def _renumbered(paragraphs: list[str], rng: random.Random) -> list[str]:
    """The same text with every number changed: the next day's price table, say."""

    def other(match: re.Match[str]) -> str:
        value = int(match.group())
        new = value
        while new == value:
            new = max(0, value + rng.randint(-max(3, value // 3), max(3, value // 3)))
        return str(new)

    return [_NUMBER.sub(other, p) for p in paragraphs]


def _number_share(paragraphs: list[str]) -> float:
    words = " ".join(paragraphs).split()
    return sum(bool(_NUMBER.fullmatch(w)) for w in words) / max(1, len(words))


_TEMPLATES: list[tuple[str, list[str]]] = [
    (
        "زلزله {mag} ریشتری {city} را لرزاند",
        [
            "زمین‌لرزه‌ای به بزرگی {mag} ریشتر ساعت {hh}:{mm} امروز {city} در استان {province} "
            "را لرزاند.",
            "به گزارش مرکز لرزه‌نگاری کشوری موسسه ژئوفیزیک دانشگاه تهران، این زمین‌لرزه در عمق "
            "{depth} کیلومتری زمین و در {dist} کیلومتری {city} رخ داده است.",
            "رئیس جمعیت هلال احمر استان {province} گفت: {teams} تیم ارزیاب به منطقه اعزام شده‌اند و "
            "تاکنون {hurt} نفر مصدوم شده‌اند.",
            "مدیرکل مدیریت بحران استان {province} نیز از مردم خواست آرامش خود را حفظ کنند.",
        ],
    ),
    (
        "{hurt} مصدوم در تصادف محور {city}",
        [
            "رئیس پلیس راه استان {province} گفت: برخورد {vehicles} خودرو در محور {city} ساعت "
            "{hh}:{mm} امروز {hurt} مصدوم و {dead} کشته بر جا گذاشت.",
            "وی افزود: علت حادثه عدم توجه به جلو و سرعت غیرمجاز اعلام شده است.",
            "به گفته وی {teams} دستگاه آمبولانس و نیروهای امدادی در محل حادثه حاضر شدند و "
            "مصدومان به بیمارستان {city} منتقل شدند.",
        ],
    ),
    (
        "هشدار هواشناسی {color} برای استان {province}",
        [
            "اداره کل هواشناسی استان {province} با صدور هشدار {color} از وزش باد شدید با سرعت "
            "{wind} کیلومتر بر ساعت و بارش {rain} میلی‌متری باران در {city} خبر داد.",
            "بر اساس این هشدار، از روز {day} تا {days} روز آینده احتمال آبگرفتگی معابر و "
            "سقوط درختان وجود دارد.",
            "مدیرکل هواشناسی استان {province} از شهروندان خواست از سفرهای غیرضروری خودداری کنند.",
        ],
    ),
    (
        "قیمت طلا و سکه امروز {day}",
        [
            "قیمت هر گرم طلای ۱۸ عیار امروز {day} در بازار {city} به {gold} هزار تومان رسید.",
            "سکه تمام بهار آزادی طرح جدید {coin} میلیون تومان و نیم سکه {half} میلیون تومان "
            "معامله شد.",
            "رئیس اتحادیه طلا و جواهر {city} گفت: بازار در روزهای اخیر {trend} بوده است.",
        ],
    ),
    (
        "برگزاری جلسه شورای {council} استان {province}",
        [
            "جلسه شورای {council} استان {province} به ریاست استاندار و با حضور {members} نفر از "
            "مدیران در {city} برگزار شد.",
            "استاندار {province} در این جلسه گفت: {projects} طرح با اعتبار {credit} میلیارد "
            "تومان تا پایان سال به بهره‌برداری می‌رسد.",
            "وی افزود: پیگیری مطالبات مردم {city} در اولویت کار دستگاه‌های اجرایی است.",
        ],
    ),
]
_WEEKDAYS = ["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"]
_COUNCILS = ["برنامه‌ریزی و توسعه", "آموزش و پرورش", "ترافیک", "سلامت", "اشتغال", "آب"]


def _template_instance(index: int, rng: random.Random) -> tuple[str, list[str]]:
    title, lines = _TEMPLATES[index]
    city = rng.choice(_CITIES)
    values = {
        "city": city,
        "province": _PROVINCE_OF[city],
        "mag": f"{rng.randint(3, 6)}.{rng.randint(0, 9)}",
        "hh": f"{rng.randint(0, 23):02d}",
        "mm": f"{rng.randint(0, 59):02d}",
        "depth": rng.randint(5, 30),
        "dist": rng.randint(5, 60),
        "teams": rng.randint(2, 12),
        "hurt": rng.randint(0, 25),
        "dead": rng.randint(0, 4),
        "vehicles": rng.randint(2, 4),
        "color": rng.choice(["زرد", "نارنجی", "قرمز"]),
        "wind": rng.randint(40, 110),
        "rain": rng.randint(10, 80),
        "day": rng.choice(_WEEKDAYS),
        "days": rng.randint(2, 4),
        "gold": rng.randint(3000, 6000),
        "coin": rng.randint(40, 90),
        "half": rng.randint(20, 45),
        "trend": rng.choice(["آرام", "پرنوسان", "رو به کاهش", "رو به افزایش"]),
        "council": rng.choice(_COUNCILS),
        "members": rng.randint(15, 60),
        "projects": rng.randint(10, 300),
        "credit": rng.randint(100, 9000),
    }
    return title.format(**values), [line.format(**values) for line in lines]


# --- the set -----------------------------------------------------------------------------------


class _Builder:
    def __init__(self, seed: int, start: datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (seeded test data, not secrets)
        self.start = start
        self.items: list[Item] = []

    def emit(
        self, title: str, paragraphs: list[str], published: datetime, story: str, kind: str
    ) -> None:
        delay = timedelta(minutes=self.rng.expovariate(1 / 20))
        if self.rng.random() < 0.05:
            delay += timedelta(hours=self.rng.uniform(6, 48))  # a feed fetched late
        self.items.append(
            Item(0, title, "\n".join(paragraphs), published, published + delay, story, kind)
        )

    def article(self, number: int, base: Article, published: datetime, fillers: list[str]) -> None:
        rng = self.rng
        story = f"a{number}"
        self.emit(base.title, base.paragraphs, published, story, "original")
        body = _unattributed(base.paragraphs)

        def near() -> datetime:
            # Copies appear within hours to two days; a few before the "original".
            return published + timedelta(hours=rng.uniform(-6, 36))

        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            title = _respell(_title_suffix(base.title, rng), rng)
            text = [_respell(p, rng) for p in body]
            text[0] = _head(rng) + text[0]
            text[-1] += _tail(rng)
            self.emit(title, text, near(), story, "copy")
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            filler = rng.choice(fillers)
            text = _edit(body, filler, rng)
            text[0] = _head(rng) + text[0]
            title = _retitle(base.title, rng) if rng.random() < 0.6 else base.title
            self.emit(_respell(title, rng), [_respell(p, rng) for p in text], near(), story, "edit")
        lead = _sentences(body[0])[:3]
        if len(body) > 1 and len(" ".join(lead).split()) >= 15 and rng.random() < 0.35:
            self.emit(base.title, [_head(rng) + " ".join(lead)], near(), story, "lead")
        if rng.random() < 0.1:
            self.emit(base.title, base.paragraphs, near(), story, "exact")
        if _number_share(base.paragraphs) >= 0.06 and rng.random() < 0.7:
            other = _renumbered(base.paragraphs, rng)
            later = published + timedelta(hours=rng.uniform(20, 30))
            self.emit(base.title, other, later, f"{story}-renumbered", "renumbered")

    def template(self, number: int, index: int, published: datetime) -> None:
        rng = self.rng
        story = f"t{number}"
        title, lines = _template_instance(index, rng)
        self.emit(title, lines, published, story, "template")
        for _ in range(rng.choice([0, 1, 1, 2])):
            text = [_respell(line, rng) for line in lines]
            text[0] = _head(rng) + text[0]
            text[-1] += _tail(rng)
            moment = published + timedelta(hours=rng.uniform(0, 12))
            self.emit(_respell(title, rng), text, moment, story, "template-copy")


def build(
    articles: list[Article],
    *,
    seed: int = 1405,
    days: float = 10.0,
    templates: int = 150,
    start: datetime = EPOCH,
    prefix: str = "",
) -> list[Item]:
    """The labelled items, in arrival order, numbered from 1.

    Articles of one topic are published within the same three days, so same-topic stories
    overlap in the window; template instances of one kind share days too.
    """
    builder = _Builder(seed, start)
    rng = builder.rng
    topics = sorted({a.topic for a in articles})
    topic_start = {t: rng.uniform(0, max(0.0, days - 3)) for t in topics}
    fillers = [p for a in articles for p in a.paragraphs if 20 <= len(p.split()) <= 60]
    for number, base in enumerate(articles):
        offset = topic_start[base.topic] + rng.uniform(0, 3)
        published = start + offset * DAY + timedelta(minutes=rng.randint(0, 59))
        builder.article(number, base, published, fillers or [""])
    for number in range(templates):
        index = number % len(_TEMPLATES)
        offset = rng.uniform(0, min(days, 3.0))
        builder.template(number, index, start + offset * DAY)
    items = sorted(builder.items, key=lambda item: (item.arrival, item.story, item.kind))
    return [replace(item, item_id=i, story=prefix + item.story) for i, item in enumerate(items, 1)]

"""Persian news boilerplate: datelines and attribution formulas go, real content stays."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ravabet.lib.stories import split_boilerplate, strip_boilerplate

ZWNJ = "\u200c"
BODY = "استاندار تهران از افتتاح دو مدرسه در ورامین خبر داد."


@pytest.mark.parametrize(
    "head",
    [
        "به گزارش خبرگزاری فارس از تهران، ",
        "به گزارش ایسنا، ",
        "به گزارش ايسنا، ",  # Arabic yeh
        "به گزارش خبرنگار اجتماعی ایرنا، ",
        "به گزارش خبرنگار ما، ",
        "به گزارش خبرنگار ورزشی خبرگزاری تسنیم، ",
        "به گزارش گروه بین‌الملل خبرگزاری فارس، ",
        "به گزارش خبرگزاري فارس ، ",  # space before the comma
        f"به گزارش خبر{ZWNJ}گزاری مهر، ",  # ZWNJ inside a compound
        "به گزارش خبر گزاری مهر؛ ",
        "به گزارش باشگاه خبرنگاران جوان، ",
        "به گزارش روابط عمومی استانداری تهران، ",
        "به گزارش ایرنا به نقل از روابط‌عمومی استانداری، ",
        "به نقل از ایسنا، ",
        "به نقل از روابط عمومي فرمانداري ورامين، ",  # Arabic yeh throughout
        "تهران- ایرنا- ",
        "تهران - ایرنا - ",
        "مشهد- ایرنا- ",
        "تهران (ایرنا) - ",
        "(ایرنا) - ",
        "خبرگزاری مهر - گروه استان‌ها: ",
        "خبرگزاري فارس: ",
        "ایسنا/خراسان رضوی ",
        "ايسنا/ خراسان رضوي - ",
        "کد خبر: ۱۲۳۴\n",
        "كد خبر: 1234\n",
        "کد خبر ١٢٣٤\n",  # Arabic-Indic digits, no colon
        "۱۲ مرداد ۱۴۰۴ - ۱۰:۲۳\n",
        "دوشنبه 1404/05/12 ساعت 10:23\n",
        "عکس از علی رضایی\n",
        "کد خبر: ۱۲۳۴\nتهران- ایرنا- ",  # stacked formulas
        "تهران- ایرنا- به گزارش خبرنگار ما، ",
    ],
)
def test_a_dateline_or_attribution_at_the_start_is_removed(head: str) -> None:
    assert strip_boilerplate(head + BODY) == BODY


@pytest.mark.parametrize(
    "tail",
    [
        " انتهای پیام/",
        " انتهاي پيام/",
        f" انتهای{ZWNJ}پیام/",
        "\n/انتهای پیام",
        " انتهای پیام/ ح.ب",
        "\nانتهای پیام/86011/ت10/ض1002",
        " /۶۰۹۱",
        " **۲۰۶۲**1601",
        " (ایرنا)",
        " (فارس)",
        "\nکد خبر: ۱۲۳۴۵۶",
        " کد خبر: 123456",
        "\nمنبع: ایسنا",
        " منبع: باشگاه خبرنگاران جوان",
        "\nعکس از مریم احمدی",
        "\nعکس: مریم احمدی",
        "\nنويسنده: محمد كريمي",
        " لینک کپی شد",
        "\nکپی شد",
        "\n۱۲ مرداد ۱۴۰۴ - ۱۰:۲۳",
        " انتهای پیام/\nکد خبر: ۱۲۳۴",  # stacked
    ],
)
def test_a_closing_formula_at_the_end_is_removed(tail: str) -> None:
    assert strip_boilerplate(BODY + tail) == BODY


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        (
            "افتتاح دو مدرسه در ورامین - خبرگزاری مهر | اخبار ایران و جهان | Mehr News Agency",
            "افتتاح دو مدرسه در ورامین",
        ),
        ("افتتاح دو مدرسه در ورامین | ایسنا", "افتتاح دو مدرسه در ورامین"),
        ("افتتاح دو مدرسه در ورامین - ایرنا", "افتتاح دو مدرسه در ورامین"),
        ("افتتاح دو مدرسه در ورامین", "افتتاح دو مدرسه در ورامین"),
    ],
)
def test_a_site_name_after_a_title_is_removed(title: str, clean: str) -> None:
    assert strip_boilerplate(title) == clean


@pytest.mark.parametrize(
    "text",
    [
        # A source of information, not a news source: the attribution is content.
        "به گزارش مرکز آمار ایران، نرخ تورم ماهانه به ۲ درصد رسید.",
        "به گزارش سازمان هواشناسی، فردا در تهران باران می‌بارد.",
        # Agency names that are ordinary words or places.
        "نفتکش‌ها در خلیج فارس - تنگه هرمز",
        "نمایشگاه کتاب استان در ۱۵ مهر گشایش می‌یابد",
        "جشنواره گل محمدی در کاشان - مهر ۱۴۰۴",
        "سفیر روسیه با استاندار فارس دیدار کرد",
        "ایرنا گزارش داد که جلسه شورا به هفته آینده موکول شد.",
        # Attribution with no separator soon after: not certainly a formula, kept whole.
        "به گزارش ایرنا رئیس سازمان گفت که طرح تا پایان سال اجرا می‌شود و بودجه آن تأمین شده است.",
        # Numbers, dates and slashes inside the text.
        "قیمت هر دلار ۴۲ هزار تومان و نرخ رشد ۳/۵ درصد اعلام شد.",
        "جلسه در تاریخ ۱۴۰۴/۰۵/۱۲ برگزار شد",
        "منبع درآمد اصلی این شهرستان گردشگری است.",
        "عکس‌های این نمایشگاه تا پایان هفته در موزه ملی دیده می‌شود.",
        "خبرنگاران از جلسه منع شدند",
    ],
)
def test_real_content_is_kept(text: str) -> None:
    assert strip_boilerplate(text) == text


def test_only_the_edges_change_and_the_body_keeps_its_spelling() -> None:
    body = (
        f"رئيس سازمان گفت: طرح تا سال ۱۴۰۵ و با 3{ZWNJ}درصد رشد اجرا مي{ZWNJ}شود.\n\nپاراگراف دوم."
    )
    parts = split_boilerplate("تهران- ایرنا- " + body + " انتهای پیام/")
    assert parts.head == "تهران- ایرنا- "
    assert parts.body == body
    assert parts.tail == " انتهای پیام/"


def test_a_text_that_is_only_boilerplate_leaves_an_empty_body() -> None:
    assert strip_boilerplate("کد خبر: ۱۲۳۴\nانتهای پیام/") == ""
    assert strip_boilerplate("") == ""


def test_formulas_in_the_middle_of_the_text_stay() -> None:
    text = (
        "استاندار گفت: جلسه برگزار شد. به گزارش ایسنا، این جلسه دو ساعت طول کشید. "
        "تهران- ایرنا- در پایان، نشست خبری با حضور خبرنگاران برگزار شد."
    )
    assert strip_boilerplate(text) == text


_PIECES = st.sampled_from(
    ["به گزارش ایسنا، ", "تهران- ایرنا- ", "انتهای پیام/", "کد خبر: ۱۲", "\n", " ", "، ", "- "]
)
_WORDS = st.text(alphabet="ابپتسکیيكمنو۱۲1 \u200c.،/", max_size=30)


@given(st.lists(st.one_of(_PIECES, _WORDS), max_size=8))
def test_the_body_is_always_a_piece_of_the_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    parts = split_boilerplate(text)
    assert parts.body in text
    assert text.startswith(parts.head)
    assert text.endswith(parts.tail)

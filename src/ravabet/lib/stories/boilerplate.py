"""Persian news boilerplate: datelines and attribution formulas at the start or end of a text.

Only the edges are examined (the first and last few hundred characters), so the cost does not
grow with the article. Patterns accept the usual typing variants: Arabic ي ى and ك, a ZWNJ or a
space inside compounds, and Latin, Persian or Arabic-Indic digits. What is removed:

- start: «به گزارش خبرگزاری فارس از تهران،», «به گزارش خبرنگار ما،», «به نقل از ایسنا،»;
  «تهران- ایرنا-», «تهران (ایرنا) -», «خبرگزاری مهر - گروه استان‌ها:», «ایسنا/خراسان رضوی»;
- end: «انتهای پیام/», «/انتهای پیام», IRNA codes («/۶۰۹۱», «**۲۰۶۲»), «(ایرنا)»,
  a title suffix «- خبرگزاری مهر | …», «کپی شد»;
- whole lines at either edge: «کد خبر: ۱۲۳۴», «منبع: …», «عکس از …», dates and times.

An attribution clause goes only when it names a news source (an agency, a reporter, a desk, a
public-relations office); «به گزارش مرکز آمار ایران،» is content and stays. Names that are also
ordinary words (فارس، مهر، میزان…) count as agencies only after «خبرگزاری», inside an attribution
clause or in parentheses, so «خلیج فارس» or «۱۵ مهر» are never taken for an agency.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_LETTER_CLASSES = {"ی": "[یيىۍې]", "ک": "[کكڪ]", "ه": "[هہە]", "ا": "[اٱ]"}
_SPACE = "[\\s\u200c]+"
_JOIN = "[\\s\u200c]*"


def _fa(phrase: str) -> str:
    """A Persian phrase as a pattern: letter variants; « » is a space or ZWNJ, «~» also nothing."""
    out: list[str] = []
    for char in phrase:
        if char == "~":
            out.append(_JOIN)
        elif char == " ":
            out.append(_SPACE)
        else:
            out.append(_LETTER_CLASSES.get(char) or re.escape(char))
    return "".join(out)


def _alt(phrases: list[str]) -> str:
    """Alternatives, longest first, ending at a word boundary."""
    ordered = sorted(phrases, key=len, reverse=True)
    return "(?:" + "|".join(_fa(p) for p in ordered) + ")(?!\\w)"


# Agency names that are not ordinary words: safe to recognise anywhere at an edge.
_DISTINCT_AGENCIES = [
    "ایرنا",
    "ایرنا پلاس",
    "ایسنا",
    "ایلنا",
    "ایکنا",
    "ایبنا",
    "ایانا",
    "ایمنا",
    "شانا",
    "تسنیم",
    "برنا",
    "پانا",
    "رکنا",
    "شبستان",
    "تابناک",
    "جماران",
    "باشگاه خبرنگاران جوان",
    "باشگاه خبرنگاران",
    "خبر~آنلاین",
    "همشهری~آنلاین",
    "اقتصاد~آنلاین",
    "اکو~ایران",
    "دفاع~پرس",
    "صدا و سیما",
    "خبرگزاری جمهوری اسلامی",
    "خبرگزاری دانشجویان ایران",
    "خبرگزاری کار ایران",
    "خبرگزاری قرآنی ایران",
    "خبرگزاری صدا و سیما",
]
# Agency names that are also ordinary words or places.
_AMBIGUOUS_AGENCIES = [
    "فارس",
    "مهر",
    "میزان",
    "آنا",
    "رسا",
    "حوزه",
    "صبا",
    "سنا",
    "نسیم",
    "مشرق",
    "دانا",
    "موج",
    "فردا",
    "انتخاب",
    "عصر ایران",
]
_WORD = "[^\\W\\d_](?:[^\\W\\d_]|\u200c)*"
_PLACE = f"{_WORD}(?: {_WORD}){{0,2}}"
_AGENCY_ANY = _alt(_DISTINCT_AGENCIES + _AMBIGUOUS_AGENCIES)
# «خبرگزاری» followed by any one name, or a distinct agency.
_AGENCY_SAFE = f"(?:{_fa('خبر~گزاری')} (?:{_AGENCY_ANY}|{_WORD})|{_alt(_DISTINCT_AGENCIES)})"
_SOURCE_NOUNS = _alt(
    [
        "خبر~گزاری",
        "خبرنگار",
        "خبرنگاران",
        "گروه",
        "سرویس",
        "پایگاه",
        "روابط~عمومی",
        "اداره~کل روابط~عمومی",
        "اداره روابط~عمومی",
        "مرکز اطلاع~رسانی",
        "اطلاع~رسانی",
        "دفتر",
        "رسانه",
        "شبکه",
        "روزنامه",
        "هفته~نامه",
        "سایت",
        "وب~سایت",
        "تارنما",
        "کانال",
        "ستاد خبری",
        "واحد خبر",
    ]
)
_PROVINCES = _alt(
    [
        "تهران",
        "البرز",
        "اصفهان",
        "فارس",
        "خراسان رضوی",
        "خراسان شمالی",
        "خراسان جنوبی",
        "آذربایجان شرقی",
        "آذربایجان غربی",
        "اردبیل",
        "گیلان",
        "مازندران",
        "گلستان",
        "سمنان",
        "قم",
        "مرکزی",
        "قزوین",
        "زنجان",
        "همدان",
        "کردستان",
        "کرمانشاه",
        "ایلام",
        "لرستان",
        "خوزستان",
        "چهارمحال و بختیاری",
        "کهگیلویه و بویراحمد",
        "بوشهر",
        "هرمزگان",
        "کرمان",
        "یزد",
        "سیستان و بلوچستان",
    ]
)
_DASH = "[-–—]"
_SEPARATOR = "[-–—:：|]"
_CLAUSE_END = "[،,:؛]"

# Each start pattern is tried at the current position (``match``), repeatedly.
_START_PATTERNS = [
    # به گزارش خبرگزاری فارس از تهران، / به نقل از ایسنا، / به گزارش خبرنگار ما،
    re.compile(
        f"(?:{_fa('به گزارش')}|{_fa('به نقل از')}|{_fa('بنا~بر گزارش')}|{_fa('طبق گزارش')})"
        f"\\s+(?:{_AGENCY_ANY}|{_SOURCE_NOUNS})[^.!؟?\\n،,:؛]{{0,120}}?{_CLAUSE_END}"
    ),
    # تهران- ایرنا- / مشهد - خبرگزاری فارس -
    re.compile(f"{_PLACE}\\s*{_DASH}\\s*{_AGENCY_SAFE}\\s*[-–—:：]"),
    # تهران (ایرنا) - / (ایرنا)
    re.compile(f"(?:{_PLACE}\\s*)?\\(\\s*{_AGENCY_ANY}\\s*\\)\\s*{_SEPARATOR}?"),
    # ایسنا/خراسان رضوی / ایرنا/ کرمان -
    re.compile(
        f"{_AGENCY_SAFE}\\s*/\\s*(?:{_PROVINCES}|{_PLACE}\\s*{_SEPARATOR})\\s*{_SEPARATOR}?"
    ),
    # خبرگزاری مهر - گروه استان‌ها: / خبرگزاری فارس: / ایسنا -
    re.compile(
        f"{_AGENCY_SAFE}\\s*(?:{_DASH}\\s*(?:{_fa('گروه')}|{_fa('سرویس')})[^:：\\n]{{0,40}})?"
        f"\\s*{_SEPARATOR}"
    ),
]

# Each end pattern is searched in the last few hundred characters, anchored at the end.
_END_PATTERNS = [
    # انتهای پیام/ ، /انتهای پیام ، انتهای پیام/ ح.ب
    re.compile(f"[/\\s]*{_fa('انتهای پیام')}\\s*(?:/[^\\n]{{0,15}})?\\s*\\Z"),
    # (ایرنا)
    re.compile(f"\\(\\s*{_AGENCY_ANY}\\s*\\)\\s*\\Z"),
    # - خبرگزاری مهر | اخبار ایران و جهان | Mehr News Agency
    re.compile(f"(?<=\\s)[-–—|]\\s*{_AGENCY_SAFE}(?:\\s*\\|[^\\n]{{0,80}})?\\s*\\Z"),
    # IRNA desk codes: /۶۰۹۱ ، **۲۰۶۲**۱۶۰۱
    re.compile("(?<=[.!؟?»)\\s])[/*]+\\s*\\d[\\d\\s/*]{0,20}\\Z"),
    # کپی شد / لینک کپی شد
    re.compile(f"(?:{_fa('لینک')}\\s*)?{_fa('کپی شد')}\\s*[!.]?\\s*\\Z"),
    # منبع: ایسنا / عکس: … / عکس از … / کد خبر: ۱۲۳۴ after the last sentence, on its line
    re.compile(
        f"(?<=[.!؟?»)])\\s*(?:(?:{_fa('منبع')}|{_fa('عکس')}|{_fa('عکاس')})\\s*[:：]"
        f"|{_fa('عکس از')})[^.\\n:：]{{1,50}}\\Z"
    ),
    re.compile(f"(?<=[.!؟?»)])\\s*(?:{_fa('کد خبر')}|{_fa('شناسه خبر')})\\s*[:：]?\\s*\\d+\\s*\\Z"),
]

_WEEKDAYS = ["شنبه", "یک~شنبه", "دو~شنبه", "سه~شنبه", "چهار~شنبه", "پنج~شنبه", "جمعه"]
_MONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]
# Lines that are metadata when they stand alone at the start or the end.
_META_LINE = re.compile(
    "(?:"
    + "|".join(
        [
            f"(?:{_fa('کد خبر')}|{_fa('شناسه خبر')})\\s*[:：]?\\s*\\d+",
            f"(?:{_fa('زمان')}|{_fa('تاریخ')}) (?:{_fa('انتشار')}|{_fa('مخابره')}|{_fa('ارسال')})"
            "\\s*[:：].{0,60}",
            "(?:"
            + "|".join(
                _fa(label)
                for label in (
                    "منبع",
                    "عکس",
                    "عکاس",
                    "عکس~ها",
                    "فیلم",
                    "خبرنگار",
                    "نویسنده",
                    "مترجم",
                    "ترجمه",
                    "تنظیم",
                    "ویرایش",
                )
            )
            + ")\\s*[:：].{1,60}",
            f"{_fa('عکس از')} .{{1,50}}",
            f"/?\\s*{_fa('انتهای پیام')}\\s*(?:/.{{0,15}})?",
            f"(?:{_fa('لینک')}\\s*)?{_fa('کپی شد')}\\s*[!.]?",
            f"{_fa('لینک کوتاه')}.{{0,100}}",
            # A date or time alone: ۱۲ مرداد ۱۴۰۲ - ۱۰:۲۳ ، دوشنبه 1402/05/12 ساعت 10:23
            "(?=[^\\n]*\\d)(?:[\\d/:.\\-–—،,|\\s]|"
            + _alt([*_WEEKDAYS, *_MONTHS, "ساعت", "تاریخ"])
            + ")+",
        ]
    )
    + ")"
)

_EDGE = 240  # characters examined at the end: boilerplate never runs longer
_EDGE_AFTER_STOP = 40
_STOPS = frozenset(".!؟?")
_META_MAX = 120  # a metadata line is short; longer lines are never tested
_MAX_ROUNDS = 8  # formulas stack («تهران- ایرنا- به گزارش خبرنگار ما،») but never deeply


class Split(NamedTuple):
    """A text cut in three: boilerplate at the start, the body, boilerplate at the end."""

    head: str
    body: str
    tail: str


def _strip_start(text: str) -> int:
    """The position after the boilerplate at the start of ``text``."""
    pos = 0
    for _ in range(_MAX_ROUNDS):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        newline = text.find("\n", pos)
        line_end = len(text) if newline < 0 else newline
        if line_end - pos <= _META_MAX and _META_LINE.fullmatch(text[pos:line_end].strip()):
            pos = line_end
            continue
        for pattern in _START_PATTERNS:
            match = pattern.match(text, pos)
            if match:
                pos = match.end()
                break
        else:
            return pos
    return pos


def _strip_end(text: str, start: int) -> int:
    """The position where the boilerplate at the end of ``text`` begins (not before ``start``)."""
    end = len(text)
    for _ in range(_MAX_ROUNDS):
        while end > start and text[end - 1].isspace():
            end -= 1
        line_start = max(text.rfind("\n", start, end) + 1, start)
        meta = end - line_start <= _META_MAX and _META_LINE.fullmatch(text[line_start:end].strip())
        if line_start > start and meta:
            end = line_start
            continue
        # Only «انتهای پیام.» and «کپی شد.» end in a full stop, and they are short.
        edge = _EDGE_AFTER_STOP if text[end - 1 : end] in _STOPS else _EDGE
        window_start = max(start, end - edge)
        window = text[window_start:end]
        for pattern in _END_PATTERNS:
            match = pattern.search(window)
            if match:
                end = window_start + match.start()
                break
        else:
            return end
    return end


def split_boilerplate(text: str) -> Split:
    """``text`` cut into the boilerplate at its start, its body and the boilerplate at its end."""
    start = _strip_start(text)
    end = _strip_end(text, start)
    return Split(text[:start], text[start:end].strip(), text[end:])


def strip_boilerplate(text: str) -> str:
    """``text`` without the datelines and attribution formulas at its start and end.

    Nothing else changes: the letters, digits and spacing of the body are the caller's.
    """
    return split_boilerplate(text).body

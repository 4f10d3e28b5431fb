"""Persian text normalisers: known pairs, decisions per key type, tokens, stopwords and slugs."""

from __future__ import annotations

import re
import unicodedata

import pytest

from ravabet.lib.text import (
    STOPWORDS,
    display_text,
    fused_pairs,
    is_stopword,
    persian_slug,
    search_key,
    tokens,
)

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("كتاب علي", "کتاب علی"),  # Arabic kaf and yeh
        ("مصطفى", "مصطفی"),  # alef maksura
        ("ﻛﺘﺎﺏ ﻻ", "کتاب لا"),  # presentation forms and the lam-alef ligature
        ("ﷲ", "الله"),
        ("۵۰۰ ﷼", "۵۰۰ ﷼"),  # the rial sign is a symbol people choose; it stays
        ("x² ﬁle ① ２", "x² ﬁle ① ２"),  # NFKC only on Arabic presentation forms
        ("روابـــــط", "روابط"),  # kashida
        ("عُمومی", "عُمومی"),  # harakat are spelling in display text
        ("مسئول مؤسسه آب إسلام", "مسئول مؤسسه آب إسلام"),  # hamza forms kept
        ("خانه\u0654 ما", "خانۀ ما"),  # heh + hamza above composed
        ("خانۀ ما", "خانۀ ما"),
        ("ي\u0654", "ئ"),
        ("ٱ\u0653", "آ"),  # alef wasla + madda: composed once the wasla is a plain alef
        ("دائرة المعارف", "دائرة المعارف"),  # teh marbuta kept
        ("ہفتہ", "هفته"),  # heh goal
        ("کتاب\u200c\u200cها", f"کتاب{ZWNJ}ها"),  # doubled ZWNJ
        (f"کتاب {ZWNJ}ها", "کتاب ها"),  # ZWNJ beside a space
        (f"{ZWNJ}کتاب{ZWNJ}", "کتاب"),  # ZWNJ at word edges
        (f"۱۲{ZWNJ}۳", "۱۲۳"),  # ZWNJ between digits
        ("می\u200dروم", "میروم"),  # ZWJ in Persian
        ("👩\u200d💻", "👩\u200d💻"),  # ZWJ in an emoji sequence stays
        ("\u200fسلام\u200e \u2067دنیا\u2069\u202b!\u202c", "سلام دنیا!"),  # bidi marks
        ("\ufeffسلام\u00ad", "سلام"),  # BOM and soft hyphen
        ("سلام\u00a0\u2009\u202f  دنیا\t!", "سلام دنیا !"),  # NBSP and other spaces
        ("  سطر یک  \r\n\r\n\r\n\nسطر دو  ", "سطر یک\n\nسطر دو"),
        ("سلام ، خوبی ؟ بله ؛آری", "سلام، خوبی؟ بله؛ آری"),
        ("« روابط عمومی »", "«روابط عمومی»"),
        ("عدد ۳٫۵ و ۱٬۲۳۴", "عدد ۳٫۵ و ۱٬۲۳۴"),  # decimals and thousands stay whole
        ("۳،۵", "۳،۵"),  # no space forced between digits
        ("٤٥٦ and 789", "۴۵۶ and 789"),  # Arabic-Indic digits always Persian; Latin optional
        ("", ""),
    ],
)
def test_display_text_tidies_known_pairs(raw: str, shown: str) -> None:
    assert display_text(raw) == shown


def test_display_text_writes_persian_digits_and_separators_on_request() -> None:
    text = "جلسه 1405/09/01 با 3.5 میلیارد و 1,234,567 ریال"
    assert display_text(text, persian_digits=True) == (
        "جلسه ۱۴۰۵/۰۹/۰۱ با ۳٫۵ میلیارد و ۱٬۲۳۴٬۵۶۷ ریال"
    )
    # Digits inside Latin words and version-like numbers keep their form.
    assert display_text("mp3 H2O 1.2.3", persian_digits=True) == "mp3 H2O ۱.۲.۳"
    assert display_text("٣٫٥", persian_digits=True) == "۳٫۵"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("كتاب علي مصطفى", "کتاب علی مصطفی"),
        ("عُمُومیّ‌ٌ", "عمومی"),  # harakat, shadda, tanwin
        ("موسیٰ", "موسی"),  # superscript alef
        ("إسلام أمر آب", "اسلام امر اب"),
        ("مؤسسه مسئول", "موسسه مسیول"),
        ("اجزاء جزء", "اجزا جز"),
        ("خانۀ خانه\u0654 دائرة", "خانه خانه دایره"),
        ("ﻛﺘﺎﺏ ﻻ ﷲ ﷼", "کتاب لا الله ریال"),
        ("x² ﬁle ＡＢＣ Straße ÉCOLE", "x2 file abc strasse ecole"),
        ("① ２ 𝟑 ½", "1 2 3 1 2"),  # NFKC turns these into digits; the key wants that
        ("روابـــــط", "روابط"),
        ("۱۴۰۵ ١٤٠٥ 1405", "1405 1405 1405"),
        ("۳٫۵ 3.5 ٣٫٥", "3.5 3.5 3.5"),
        ("۱٬۲۳۴٬۵۶۷ 1,234,567", "1234567 1234567"),
        ("1,2,3", "1 2 3"),  # a list, not a grouped number
        ("پایان. ۱۴۰۵/۰۹/۰۱", "پایان 1405 09 01"),
        ("«روابط»، عمومی؛ استان؟", "روابط عمومی استان"),
        ("192.168.1.1 v1.2", "192.168.1.1 v1.2"),
        ("info@ravabet.ir", "info ravabet ir"),
        ("\u200fسلام\u200e\u00a0دنیا", "سلام دنیا"),
        ("", ""),
        (" ، ", ""),
    ],
)
def test_search_key_folds_known_pairs(raw: str, key: str) -> None:
    assert search_key(raw) == key


@pytest.mark.parametrize(
    "variants",
    [
        ["می‌روم", "می روم", "میروم", "مي‌روم", "مي روم", "ميروم", "می\u200c\u200cروم"],
        ["نمی‌دانم", "نمی دانم", "نمیدانم", "نمي‌دانم"],
        ["کتاب‌ها", "کتاب ها", "کتابها", "كتاب‌ها", "کتاب\u200c ها"],
        ["کتاب‌های", "کتاب های", "کتابهای", "كتابهاي"],
        ["بزرگ‌ترین", "بزرگ ترین", "بزرگترین"],
        ["بی‌شک", "بی شک", "بیشک"],
        ["اطلاع‌رسانی", "اطلاعرسانی", "اطلاع\u200dرسانی", "اطلاع\u200c\u200cرسانی"],
    ],
)
def test_zwnj_space_and_fused_spellings_give_the_same_tokens(variants: list[str]) -> None:
    assert len({tuple(tokens(variant)) for variant in variants}) == 1


def test_a_space_inside_an_ordinary_compound_keeps_two_words() -> None:
    # Documented limit: without a dictionary, only the inflection affixes are glued.
    assert tokens("اطلاع رسانی") == ["اطلاع", "رسانی"]
    assert tokens("اطلاع‌رسانی") == ["اطلاعرسانی"]


def _index(text: str) -> set[str]:
    words = tokens(text)
    return set(words) | set(fused_pairs(words))


def _matches(query: str, document: str) -> bool:
    """The documented recipe: each query word is present, or fused with its neighbour."""
    index = _index(document)
    words = tokens(query)
    # Segment the query into single words or adjacent fused pairs, all present in the index.
    reachable = {0}
    for i in range(len(words)):
        if i not in reachable:
            continue
        if words[i] in index:
            reachable.add(i + 1)
        if i + 1 < len(words) and words[i] + words[i + 1] in index:
            reachable.add(i + 2)
    return len(words) in reachable


@pytest.mark.parametrize(
    "spellings",
    [
        ["اطلاع‌رسانی", "اطلاع رسانی", "اطلاعرسانی", "اطلاع‌ رسانی", "اطلاع‌رساني"],
        ["آیین‌نامه", "آیین نامه", "آییننامه", "آئین‌نامه"],
        ["بین‌الملل", "بین الملل", "بینالملل", "بين‌الملل"],
        ["می‌روم", "می روم", "میروم"],
    ],
)
def test_with_fused_pairs_every_spelling_of_a_compound_finds_every_other(
    spellings: list[str],
) -> None:
    for query in spellings:
        for spelling in spellings:
            assert _matches(query, f"گزارش {spelling} استان"), (query, spelling)
    assert not _matches(spellings[0], "گزارش استان")


def test_fused_pairs_skip_numbers_and_pairs_of_stopwords() -> None:
    assert fused_pairs(tokens("اطلاع رسانی در این استان ۱۴۰۵")) == [
        "اطلاعرسانی",
        "رسانیدر",
        "ایناستان",
    ]
    assert fused_pairs([]) == []
    assert fused_pairs(["روابط"]) == []


def test_affixes_glue_only_to_words() -> None:
    assert tokens("می") == ["می"]
    assert tokens("ها کتاب") == ["ها", "کتاب"]
    assert tokens("می ۱۴۰۵") == ["می", "1405"]
    assert tokens("۱۴۰۵ ها") == ["1405", "ها"]


def test_decimal_numbers_stay_one_token() -> None:
    assert tokens("رشد ۳٫۵ درصدی") == ["رشد", "3.5", "درصدی"]
    assert tokens("۳.") == ["3"]


def test_tokens_can_drop_stopwords() -> None:
    text = "نشست شورای اطلاع‌رسانی استان در تهران برگزار شد و از این پس هر ماه است"
    assert tokens(text, drop_stopwords=True) == [
        "نشست",
        "شورای",
        "اطلاعرسانی",
        "استان",
        "تهران",
        "برگزار",
        "ماه",
    ]


def test_stopwords_are_search_keys_of_function_words_only() -> None:
    assert all(search_key(word) == word for word in STOPWORDS)
    assert is_stopword("اين")  # Arabic yeh variant
    assert is_stopword("آن")
    for content_word in ("استان", "شورا", "روابط", "عمومی", "تهران", "خبر", "نشست"):
        assert not is_stopword(content_word)
    assert 60 <= len(STOPWORDS) <= 200


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("نشست شورای اطلاع‌رسانی ۱۴۰۵", "نشست-شورای-اطلاع-رسانی-1405"),
        ("نشست شوراي اطلاع رساني ١٤٠٥", "نشست-شورای-اطلاع-رسانی-1405"),
        ("  «روابطِ عمومی» — استانداری تهران!  ", "روابط-عمومی-استانداری-تهران"),
        ("مسئول مؤسسه", "مسئول-مؤسسه"),
        ("Ravabet 2.0 Release", "ravabet-2-0-release"),
        ("ﷲ x²", "الله-x2"),
        ("\U0001ee09\U0001ee0a", "یک"),  # Arabic mathematical letters fold like the rest
        ("؟!", ""),
    ],
)
def test_persian_slugs_are_url_safe_and_readable(title: str, slug: str) -> None:
    assert persian_slug(title) == slug
    assert re.fullmatch(r"[-\w]*", slug)


def test_persian_slug_is_cut_at_a_hyphen() -> None:
    slug = persian_slug("روابط عمومی " * 20, max_length=30)
    assert len(slug) <= 30
    assert slug == "روابط-عمومی-روابط-عمومی-روابط"
    assert persian_slug("ا" * 50, max_length=10) == "ا" * 10


def test_normalised_text_is_nfc_and_free_of_invisible_controls() -> None:
    text = "\u202bكتابِ\u200c\u200cهاي ﻻ\u200f"
    for result in (display_text(text), search_key(text)):
        assert unicodedata.is_normalized("NFC", result)
        assert not any(unicodedata.category(c) == "Cf" and c != ZWNJ for c in result)

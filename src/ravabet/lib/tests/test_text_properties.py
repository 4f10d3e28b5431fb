"""Property tests of the Persian normalisers: idempotence, and every typing variant of a word
has the key of its canonical spelling."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from ravabet.lib.text import display_text, persian_slug, search_key, tokens

# Hypothesis caches into ./.hypothesis by default; keep the working tree clean.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "ravabet-hypothesis")

# Characters real Persian input mixes: both letter sets, hamza forms, marks, kashida, ZWNJ, ZWJ,
# bidi marks, odd spaces, punctuation, three digit sets, separators, presentation forms.
_MIXED = list(
    "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكىةۀأإؤئءآٱ ـ"
    "\u200c\u200d\u200e\u200f\u202b\u202c\u2067\u2069\u00a0\u2009\u202f\n\t\r"
    "،؛؟«».,:!/-_0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬aZéßİ"
    "\u064b\u064c\u064e\u064f\u0650\u0651\u0652\u0670\u0653\u0654\u0655"
    "\ufb8e\ufbfc\ufbfd\ufefb\ufe70\ufe71\ufcf2\ufdf2\ufdfc\ufdfa\ufb01\u00b2👩💻"
)
texts = st.text(alphabet=st.sampled_from(_MIXED), max_size=40) | st.text(max_size=20)


@settings(max_examples=300, deadline=None, database=None)
@given(texts, st.booleans())
def test_display_text_is_idempotent(text: str, persian_digits: bool) -> None:
    once = display_text(text, persian_digits=persian_digits)
    assert display_text(once, persian_digits=persian_digits) == once


@settings(max_examples=300, deadline=None, database=None)
@given(texts)
def test_search_key_is_idempotent_and_ignores_display_tidying(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key
    assert search_key(display_text(text)) == key
    assert search_key(display_text(text, persian_digits=True)) == key
    assert tokens(key) == tokens(text) == (key.split(" ") if key else [])


@settings(max_examples=150, deadline=None, database=None)
@given(texts)
def test_persian_slug_is_idempotent(text: str) -> None:
    slug = persian_slug(text)
    assert persian_slug(slug) == slug


# Words the project writes, in canonical spelling.
CANONICAL = [
    "روابط",
    "عمومی",
    "استانداری",
    "تهران",
    "اطلاع‌رسانی",
    "کتاب‌ها",
    "می‌روم",
    "بین‌الملل",
    "کمیسیون",
    "۱۴۰۵",
    "۳٫۵",
    "مسئول",
    "مؤسسه",
    "آیین‌نامه",
    "خانۀ",
    "پیگیری",
]

# Ways people type each character: Arabic letters, presentation forms, a hamza sign apart.
_LETTER_VARIANTS = {
    "ی": ["ی", "ي", "ى", "\ufbfc", "\ufbfd", "\ufbfe", "\ufbff"],
    "ک": ["ک", "ك", "\ufb8e", "\ufb8f", "\ufb90", "\ufb91"],
    "ه": ["ه", "ہ", "ە", "\ufee9", "\ufeea", "\ufeeb", "\ufeec"],
    "ۀ": ["ۀ", "ه\u0654", "ة", "ە\u0654"],
    "ب": ["ب", "\ufe8f", "\ufe90", "\ufe91", "\ufe92"],
    "ا": ["ا", "\ufe8d", "\ufe8e"],
    "ئ": ["ئ", "ي\u0654", "ی\u0654"],
    "ؤ": ["ؤ", "و\u0654"],
    "آ": ["آ", "ا\u0653"],
    "۰": ["۰", "٠", "0"],
    "۱": ["۱", "١", "1"],
    "۳": ["۳", "٣", "3"],
    "۴": ["۴", "٤", "4"],
    "۵": ["۵", "٥", "5"],
    "٫": ["٫", "."],
    "\u200c": ["\u200c", "", "\u200c\u200c", "\u200d"],
}
# What may appear after a letter without changing the word.
_NOISE = [
    "",
    "",
    "",
    "ـ",
    "ـــ",
    "\u064e",
    "\u064b",
    "\u0651",
    "\u0652",
    "\u0670",
    "\u200e",
    "\u200f",
]


@st.composite
def typed_variants(draw: st.DrawFn) -> tuple[str, str]:
    word = draw(st.sampled_from(CANONICAL))
    typed = []
    for char in word:
        typed.append(draw(st.sampled_from(_LETTER_VARIANTS.get(char, [char]))))
        if char.isalpha():
            typed.append(draw(st.sampled_from(_NOISE)))
    surround = draw(st.sampled_from(["", " ", "\u00a0", "\u200f", "«", " ،"]))
    return word, surround + "".join(typed) + surround[::-1]


@settings(max_examples=800, deadline=None, database=None)
@given(typed_variants())
def test_search_key_of_any_typed_variant_equals_the_canonical_key(pair: tuple[str, str]) -> None:
    word, typed = pair
    assert search_key(typed) == search_key(word)
    assert tokens(typed) == tokens(word)

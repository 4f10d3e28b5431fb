"""Persian dictionary order for lists of names."""

from __future__ import annotations

from ravabet.lib.persian import sort_key


def test_persian_letters_outside_the_arabic_block_sort_in_dictionary_order() -> None:
    names = ["گرمسار", "کرج", "یافت‌آباد", "پاکدشت", "بهارستان", "ژاندارمری", "چهاردانگه", "آبعلی"]
    assert sorted(names, key=sort_key) == [
        "آبعلی",
        "بهارستان",
        "پاکدشت",
        "چهاردانگه",
        "ژاندارمری",
        "کرج",
        "گرمسار",
        "یافت‌آباد",
    ]


def test_arabic_letter_forms_sort_with_their_persian_twins() -> None:
    assert sort_key("كرج") == sort_key("کرج")
    assert sort_key("ري") == sort_key("ری")


def test_a_half_space_does_not_change_the_order_and_a_shorter_word_comes_first() -> None:
    assert sort_key("می‌روم") == sort_key("میروم")
    assert sorted(["بهارستان", "بهار", "بهار نو"], key=sort_key) == ["بهار", "بهار نو", "بهارستان"]


def test_digits_sort_by_value_whatever_their_script() -> None:
    assert sorted(["منطقه ۲", "منطقه 1", "منطقه ۳"], key=sort_key) == [
        "منطقه 1",
        "منطقه ۲",
        "منطقه ۳",
    ]

"""Story clustering: copies, edits and truncated leads join; other events stay apart."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from ravabet.lib.stories import (
    Assignment,
    Fingerprint,
    FingerprintError,
    FingerprintErrorReason,
    StoryIndex,
    StoryIndexError,
    StoryIndexErrorReason,
    band_keys,
    compare,
    fingerprint,
)

ZWNJ = "\u200c"
T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

TITLE = "بهره‌برداری از بیمارستان ۲۰۰ تختخوابی ورامین آغاز شد"
PARAGRAPHS = [
    "بیمارستان ۲۰۰ تختخوابی شهرستان ورامین صبح امروز با حضور استاندار تهران و وزیر بهداشت "
    "به طور رسمی افتتاح شد و از هفته آینده پذیرش بیماران را آغاز می‌کند.",
    "استاندار تهران در آیین افتتاح این بیمارستان گفت: ساخت این مرکز درمانی از سال ۱۳۹۸ آغاز "
    "شده بود و با اعتبار ۴۵۰۰ میلیارد ریال به پایان رسید.",
    "وی افزود: این بیمارستان دارای ۱۲ اتاق عمل، بخش مراقبت‌های ویژه و اورژانس شبانه‌روزی است و "
    "نیاز ساکنان جنوب شرق استان به مراکز درمانی تهران را کاهش می‌دهد.",
    "وزیر بهداشت نیز با اشاره به کمبود تخت بیمارستانی در شهرستان‌های اطراف پایتخت گفت: تا پایان "
    "سال سه بیمارستان دیگر در پاکدشت، قرچک و پیشوا به بهره‌برداری می‌رسد.",
    "به گفته فرماندار ورامین، برای تأمین نیروی انسانی این بیمارستان ۳۵۰ پزشک، پرستار و کارمند "
    "جذب شده‌اند که بیشتر آنان از ساکنان همین شهرستان هستند.",
    "در این مراسم همچنین از خیرانی که در تجهیز بخش‌های کودکان و زنان مشارکت داشتند تقدیر شد و "
    "لوح سپاس به آنان اهدا شد.",
]
ORIGINAL = "به گزارش خبرگزاری فارس از ورامین، " + "\n".join(PARAGRAPHS)

# Another event told with the same sentences: another city, other numbers.
OTHER_TITLE = "بهره‌برداری از بیمارستان ۱۵۰ تختخوابی دماوند آغاز شد"
OTHER_EVENT = "\n".join(
    [
        "بیمارستان ۱۵۰ تختخوابی شهرستان دماوند صبح امروز با حضور استاندار تهران و وزیر بهداشت "
        "به طور رسمی افتتاح شد و از هفته آینده پذیرش بیماران را آغاز می‌کند.",
        "استاندار تهران در آیین افتتاح این بیمارستان گفت: ساخت این مرکز درمانی از سال ۱۴۰۰ آغاز "
        "شده بود و با اعتبار ۳۲۰۰ میلیارد ریال به پایان رسید.",
        "وی افزود: این بیمارستان دارای ۸ اتاق عمل، بخش مراقبت‌های ویژه و اورژانس شبانه‌روزی است و "
        "نیاز ساکنان شرق استان به مراکز درمانی تهران را کاهش می‌دهد.",
        "به گفته فرماندار دماوند، برای تأمین نیروی انسانی این بیمارستان ۲۱۰ پزشک، پرستار و کارمند "
        "جذب شده‌اند.",
    ]
)

# The same topic and place, another story.
SAME_TOPIC_TITLE = "کمبود پرستار در بیمارستان‌های جنوب استان تهران"
SAME_TOPIC = "\n".join(
    [
        "رئیس دانشگاه علوم پزشکی ایران گفت: بیمارستان‌های ورامین، پاکدشت و قرچک با کمبود ۴۰۰ "
        "پرستار روبه‌رو هستند و بخشی از تخت‌های آنها به همین دلیل خالی مانده است.",
        "وی افزود: استخدام نیروی طرحی و افزایش حق‌الزحمه شیفت شب از راهکارهای کوتاه‌مدت این "
        "دانشگاه برای جبران کمبود نیروی انسانی است.",
        "به گفته وی، وزارت بهداشت مجوز جذب ۱۲۰ پرستار جدید را برای این منطقه صادر کرده است.",
    ]
)

_ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
_ARABIC_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")


def syndicated(text: str) -> str:
    """Another agency's copy: Arabic letters, Latin digits, ZWNJ typed as nothing."""
    body = text.split("، ", 1)[1]
    body = body.translate(_ARABIC_LETTERS).translate(_LATIN_DIGITS).replace(ZWNJ, "")
    return "تهران- ایرنا- " + body + "\nانتهای پیام/ ۶۰۹۱"


def retyped(text: str) -> str:
    """A copy typed with a space for every ZWNJ and Arabic-Indic digits, under ISNA's formula."""
    body = text.split("، ", 1)[1]
    return "به گزارش ايسنا، " + body.replace(ZWNJ, " ").translate(_ARABIC_DIGITS) + "\nکد خبر: ۱۲"


def light_edit() -> tuple[str, str]:
    """A rewritten title, two paragraphs swapped, one dropped, one added."""
    paragraphs = list(PARAGRAPHS[:5])
    paragraphs[2], paragraphs[3] = paragraphs[3], paragraphs[2]
    paragraphs.insert(
        4, "این بیمارستان در زمینی به مساحت ده هکتار در ورودی شهر ورامین ساخته شده است."
    )
    title = "افتتاح بیمارستان جدید ورامین با حضور وزیر بهداشت"
    return title, "خبرگزاری مهر - گروه استان‌ها: " + "\n".join(paragraphs)


def truncated_lead() -> str:
    return "ورامین- ایرنا- " + PARAGRAPHS[0]


def quake(city: str, province: str, magnitude: str, time: str, depth: int) -> tuple[str, str]:
    title = f"زلزله {magnitude} ریشتری {city} را لرزاند"
    text = (
        f"زمین‌لرزه‌ای به بزرگی {magnitude} ریشتر ساعت {time} امروز {city} در استان {province} "
        "را لرزاند.\n"
        "به گفته کارشناسان مرکز لرزه‌نگاری کشوری موسسه ژئوفیزیک دانشگاه تهران، این زمین‌لرزه در "
        f"عمق {depth} کیلومتری زمین رخ داده است.\n"
        f"رئیس جمعیت هلال احمر استان {province} گفت: تیم‌های ارزیاب به منطقه اعزام شده‌اند و "
        "تاکنون گزارشی از خسارت جدی دریافت نشده است."
    )
    return title, text


def stream(*items: tuple[int, str, str, datetime]) -> tuple[StoryIndex, dict[int, Assignment]]:
    index = StoryIndex()
    assigned = {}
    for item_id, title, text, published in items:
        assigned[item_id] = index.add(item_id, fingerprint(title, text), published)
    return index, assigned


# --- joining ----------------------------------------------------------------------------------


def test_syndicated_copies_with_letter_zwnj_and_digit_variants_join_the_story() -> None:
    index = StoryIndex()
    first = index.add(1, fingerprint(TITLE, ORIGINAL), T0)
    copy = index.add(2, fingerprint(TITLE.translate(_ARABIC_LETTERS), syndicated(ORIGINAL)), T0)
    retyped_copy = index.add(3, fingerprint(TITLE, retyped(ORIGINAL)), T0 + HOUR)
    assert first.is_new_story
    assert first.story_id == 1
    assert (copy.story_id, copy.matched_item_id, copy.is_exact_duplicate) == (1, 1, False)
    assert copy.similarity > 0.9
    assert retyped_copy.story_id == 1
    assert not retyped_copy.is_new_story


def test_a_light_edit_joins_the_story() -> None:
    index = StoryIndex()
    index.add(1, fingerprint(TITLE, ORIGINAL), T0)
    title, text = light_edit()
    edit = index.add(2, fingerprint(title, text), T0 + 5 * HOUR)
    assert edit.story_id == 1
    assert edit.matched_item_id == 1


def test_a_truncated_lead_joins_the_story_in_either_order() -> None:
    index = StoryIndex()
    index.add(1, fingerprint(TITLE, ORIGINAL), T0)
    assert index.add(2, fingerprint(TITLE, truncated_lead()), T0 + HOUR).story_id == 1

    lead_first = StoryIndex()
    lead_first.add(1, fingerprint(TITLE, truncated_lead()), T0)
    assert lead_first.add(2, fingerprint(TITLE, ORIGINAL), T0 + HOUR).story_id == 1


def test_the_same_sentences_about_another_event_start_another_story() -> None:
    index = StoryIndex()
    index.add(1, fingerprint(TITLE, ORIGINAL), T0)
    other = index.add(2, fingerprint(OTHER_TITLE, OTHER_EVENT), T0 + HOUR)
    assert other.is_new_story
    assert other.story_id == 2
    similarity = compare(fingerprint(TITLE, ORIGINAL), fingerprint(OTHER_TITLE, OTHER_EVENT))
    assert similarity.numbers == 0.0  # every number framed alike differs
    assert not similarity.same_story


def test_two_earthquakes_in_two_cities_are_two_stories_and_a_copy_finds_its_own() -> None:
    tabriz = quake("تبریز", "آذربایجان شرقی", "۴.۶", "۱۰:۲۳", 10)
    khoy = quake("خوی", "آذربایجان غربی", "۴.۱", "۱۴:۰۵", 8)
    index = StoryIndex()
    assert index.add(1, fingerprint(*tabriz), T0).is_new_story
    assert index.add(2, fingerprint(*khoy), T0 + HOUR).is_new_story
    copy_title = khoy[0].translate(_ARABIC_LETTERS)
    copy_text = "به گزارش خبرنگار ما، " + khoy[1].translate(_LATIN_DIGITS) + " (ایرنا)"
    assert index.add(3, fingerprint(copy_title, copy_text), T0 + 2 * HOUR).story_id == 2


def test_an_unrelated_item_on_the_same_topic_stays_apart() -> None:
    index = StoryIndex()
    index.add(1, fingerprint(TITLE, ORIGINAL), T0)
    assert index.add(2, fingerprint(SAME_TOPIC_TITLE, SAME_TOPIC), T0 + HOUR).is_new_story


def test_a_bridging_item_joins_the_better_story_and_does_not_merge_them() -> None:
    index = StoryIndex()
    index.add(1, fingerprint(TITLE, ORIGINAL), T0)
    index.add(2, fingerprint(SAME_TOPIC_TITLE, SAME_TOPIC), T0)
    assert index.add(3, fingerprint(TITLE, syndicated(ORIGINAL)), T0 + HOUR).story_id == 1
    assert index.story_of(2) == 2


# --- exact duplicates, credit, window -----------------------------------------------------------


def test_the_same_text_again_is_flagged_as_an_exact_duplicate() -> None:
    index = StoryIndex()
    index.add(1, fingerprint(TITLE, ORIGINAL), T0)
    # The search key folds letters and digits: a re-fetch typed otherwise is the same text.
    again = index.add(
        2, fingerprint(TITLE, ORIGINAL.translate(_ARABIC_LETTERS).translate(_LATIN_DIGITS)), T0
    )
    assert (again.story_id, again.is_exact_duplicate, again.matched_item_id) == (1, True, 1)
    assert again.similarity == 1.0
    # Another agency's dateline makes a copy, not an exact duplicate.
    copy = index.add(3, fingerprint(TITLE, syndicated(ORIGINAL)), T0)
    assert not copy.is_exact_duplicate


def test_a_late_arriving_earlier_copy_becomes_the_first_item() -> None:
    index = StoryIndex()
    index.add(1, fingerprint(TITLE, ORIGINAL), T0 + 2 * HOUR)
    index.add(2, fingerprint(TITLE, retyped(ORIGINAL)), T0 + 3 * HOUR)
    late = index.add(3, fingerprint(TITLE, syndicated(ORIGINAL)), T0)
    assert late.story_id == 1
    assert late.first_item_id == 3
    story = index.story(1)
    assert story is not None
    assert (story.first_item_id, story.first_published, story.items) == (3, T0, 3)
    # A later copy leaves the credit where it is.
    assert index.add(4, fingerprint(*light_edit()), T0 + 5 * HOUR).first_item_id == 3


def test_a_copy_outside_the_window_starts_a_new_story() -> None:
    index = StoryIndex(window=timedelta(days=3))
    index.add(1, fingerprint(TITLE, ORIGINAL), T0)
    inside = index.add(2, fingerprint(TITLE, syndicated(ORIGINAL)), T0 + timedelta(days=2))
    outside = index.add(3, fingerprint(TITLE, retyped(ORIGINAL)), T0 - timedelta(days=4))
    same_text_later = index.add(4, fingerprint(TITLE, ORIGINAL), T0 + timedelta(days=6))
    assert inside.story_id == 1
    assert outside.is_new_story
    assert same_text_later.is_new_story
    assert not same_text_later.is_exact_duplicate


def test_pruning_forgets_old_items_and_empty_stories() -> None:
    index = StoryIndex()
    index.add(1, fingerprint(TITLE, ORIGINAL), T0)
    index.add(2, fingerprint(SAME_TOPIC_TITLE, SAME_TOPIC), T0 + timedelta(days=2))
    assert index.prune(T0 + timedelta(days=1)) == 1
    assert len(index) == 1
    assert 1 not in index
    assert index.story(1) is None
    assert index.story_of(2) == 2
    assert index.add(3, fingerprint(TITLE, syndicated(ORIGINAL)), T0 + HOUR).is_new_story


# --- persistence and the database path -----------------------------------------------------------


def test_a_fingerprint_survives_its_stored_form() -> None:
    fp = fingerprint(TITLE, ORIGINAL)
    stored = fp.to_bytes()
    assert Fingerprint.from_bytes(stored) == fp
    assert len(stored) < 1200


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", FingerprintErrorReason.MALFORMED),
        (b"\x01" * 30, FingerprintErrorReason.MALFORMED),
        (
            b"\x09" + fingerprint(TITLE, ORIGINAL).to_bytes()[1:],
            FingerprintErrorReason.UNKNOWN_VERSION,
        ),
        (fingerprint(TITLE, ORIGINAL).to_bytes()[:-1], FingerprintErrorReason.MALFORMED),
    ],
)
def test_bytes_that_are_not_a_fingerprint_are_refused_with_a_reason(
    data: bytes, reason: FingerprintErrorReason
) -> None:
    with pytest.raises(FingerprintError) as refused:
        Fingerprint.from_bytes(data)
    assert refused.value.reason == reason


def test_an_index_restored_from_stored_fingerprints_assigns_as_before() -> None:
    stored = [
        (1, fingerprint(TITLE, ORIGINAL).to_bytes(), T0, 1),
        (2, fingerprint(SAME_TOPIC_TITLE, SAME_TOPIC).to_bytes(), T0, 2),
        (3, fingerprint(TITLE, retyped(ORIGINAL)).to_bytes(), T0 - HOUR, 1),
    ]
    index = StoryIndex()
    for item_id, data, published, story_id in stored:
        index.restore(item_id, Fingerprint.from_bytes(data), published, story_id)
    assignment = index.add(4, fingerprint(TITLE, syndicated(ORIGINAL)), T0 + HOUR)
    assert assignment.story_id == 1
    assert assignment.first_item_id == 3  # the earliest restored copy keeps the credit
    assert index.story_of(2) == 2


def test_copies_share_a_band_key_and_the_database_path_verifies_them() -> None:
    original = fingerprint(TITLE, ORIGINAL)
    copy = fingerprint(TITLE, syndicated(ORIGINAL))
    lead = fingerprint(TITLE, truncated_lead())
    keys = band_keys(original)
    assert all(len(key) == 16 and int(key, 16) >= 0 for key in keys)
    assert len(set(keys)) == len(keys)
    assert set(keys) & set(band_keys(copy))
    assert set(keys) & set(band_keys(lead))
    assert compare(original, copy).same_story
    assert compare(original, lead).same_story
    assert compare(lead, original).containment > 0.8
    assert not compare(original, fingerprint(SAME_TOPIC_TITLE, SAME_TOPIC)).same_story


def test_an_empty_text_has_no_band_keys_and_matches_nothing() -> None:
    empty = fingerprint("", "انتهای پیام/")
    assert band_keys(empty) == []
    assert not compare(empty, empty).same_story
    index = StoryIndex()
    assert index.add(1, empty, T0).is_new_story
    assert index.add(2, fingerprint("", "کد خبر: ۱۲"), T0).is_new_story


def test_a_title_only_item_is_sketched_from_its_title() -> None:
    fp = fingerprint(TITLE, "")
    assert fp.size > 0
    assert band_keys(fp) == band_keys(fingerprint(TITLE.translate(_ARABIC_LETTERS), ""))


# --- refusals and determinism ---------------------------------------------------------------------


def test_an_item_added_twice_or_with_a_naive_date_is_refused() -> None:
    index = StoryIndex()
    fp = fingerprint(TITLE, ORIGINAL)
    index.add(1, fp, T0)
    with pytest.raises(StoryIndexError) as twice:
        index.add(1, fp, T0)
    assert twice.value.reason == StoryIndexErrorReason.DUPLICATE_ITEM
    with pytest.raises(StoryIndexError) as naive:
        index.add(2, fp, datetime(2026, 4, 1, 8, 0))  # naive: the point of the test
    assert naive.value.reason == StoryIndexErrorReason.NAIVE_DATETIME
    # A new story takes its item's id: an id that already names a story is refused.
    index.restore(10, fingerprint(SAME_TOPIC_TITLE, SAME_TOPIC), T0, story_id=50)
    with pytest.raises(StoryIndexError) as taken:
        index.add(50, fingerprint(OTHER_TITLE, OTHER_EVENT), T0)
    assert taken.value.reason == StoryIndexErrorReason.DUPLICATE_ITEM


def test_assignments_are_the_same_on_every_run() -> None:
    items = [
        (1, SAME_TOPIC_TITLE, SAME_TOPIC, T0),
        (2, TITLE, retyped(ORIGINAL), T0 + HOUR),
        (3, OTHER_TITLE, OTHER_EVENT, T0),
        (4, TITLE, ORIGINAL, T0 - HOUR),
        (5, *light_edit(), T0 + 2 * HOUR),
        (6, TITLE, truncated_lead(), T0),
    ]
    _, first = stream(*items)
    _, second = stream(*items)
    assert first == second


def test_fingerprints_do_not_depend_on_the_process_hash_seed() -> None:
    code = (
        "from ravabet.lib.stories import fingerprint; import sys; "
        "sys.stdout.write(fingerprint(sys.argv[1], sys.argv[2]).to_bytes().hex())"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code, TITLE, ORIGINAL],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(done.stdout)
    assert outputs == {fingerprint(TITLE, ORIGINAL).to_bytes().hex()}


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        ("به گزارش خبرگزاری فارس از تهران، ", ""),
        ("تهران- ایرنا- ", " انتهای پیام/"),
        ("کد خبر: ۱۲۳۴\nتهران- ایرنا- ", "/۶۰۹۱"),
        (f"به گزارش خبر{ZWNJ}گزاری مهر، ", " (ایرنا)"),
        ("", " انتهاي پيام/"),
        ("خبرگزاري فارس: ", ""),
    ],
)
def test_a_text_folded_whole_gives_the_fingerprint_of_its_parts_folded_apart(
    head: str, tail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The body's words are cut out of the whole text's (folded once for the fingerprint, the
    # watch-lists and the index); folding the body on its own must give the same fingerprint.
    module = importlib.import_module("ravabet.lib.stories.fingerprint")
    text = head + "\n\n".join(PARAGRAPHS) + tail
    whole = fingerprint(TITLE, text)
    monkeypatch.setattr(module, "_between", lambda *args: None)
    assert fingerprint(TITLE, text) == whole

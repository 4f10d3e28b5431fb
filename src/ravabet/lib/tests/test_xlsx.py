"""Excel tables: right to left, Persian digits by number format, and no formula injection."""

from __future__ import annotations

import pytest

from ravabet.lib.tests.xlsx_reader import read_sheet
from ravabet.lib.xlsx import PERSIAN_DIGITS, Column, escape_formula, write_table


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+98 21 1234", "-2", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x")'],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text: str) -> None:
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["استانداری تهران", "1 = 1", "a-b", "", "'quoted"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert escape_formula(text) == text


def test_a_table_keeps_numbers_as_numbers_and_escapes_text() -> None:
    content = write_table(
        [Column("نام"), Column("تعداد")],
        [("=2+3", 12), ("اداره کل", None), ("-10", -4)],
        sheet_name="1403-09",
        title="@عنوان",
    )
    sheet = read_sheet(content)
    assert sheet.rows[0] == ["'@عنوان"]
    assert sheet.rows[2] == ["نام", "تعداد"]
    assert sheet.rows[3] == ["'=2+3", "12"]
    assert sheet.rows[4] == ["اداره کل"]
    assert sheet.rows[5] == ["'-10", "-4"]
    assert (sheet.kinds["A4"], sheet.kinds["B4"], sheet.kinds["B6"]) == ("s", "n", "n")


def test_a_persian_table_reads_right_to_left_with_persian_digits() -> None:
    sheet = read_sheet(write_table([Column("تعداد")], [(5,)], sheet_name="گزارش"))
    assert sheet.right_to_left
    assert f"{PERSIAN_DIGITS}#,##0" in sheet.number_formats


def test_an_english_table_reads_left_to_right_with_latin_digits() -> None:
    sheet = read_sheet(
        write_table([Column("Count")], [(5,)], sheet_name="Report", rtl=False, persian_digits=False)
    )
    assert not sheet.right_to_left
    assert all(PERSIAN_DIGITS not in code for code in sheet.number_formats)


def test_a_sheet_name_with_characters_excel_refuses_is_cleaned() -> None:
    content = write_table([Column("a")], [], sheet_name="[1403/09]: *?" + "x" * 40)
    assert read_sheet(content).rows[0] == ["a"]


def test_booleans_are_refused_rather_than_written_as_numbers() -> None:
    with pytest.raises(TypeError):
        write_table([Column("a")], [(True,)], sheet_name="s")

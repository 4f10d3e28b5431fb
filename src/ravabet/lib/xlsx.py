"""One-sheet Excel tables for exports: right to left, Persian digits, formula injection refused.

Text that a spreadsheet would read as a formula (``= + - @``, and the tab and carriage return
some programs strip in front of them) is stored with a leading apostrophe, so neither Excel
nor a CSV saved from the sheet runs it (SECURITY.md, Files).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter  # type: ignore[import-untyped]  # typed, but ships no py.typed marker

# Characters that make a spreadsheet treat a cell as a formula (or drop into one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel's locale prefix for Persian (fa-IR, 0x0429) with the extended Arabic-Indic numeral
# shape (03): the number stays a number, shown in Persian digits.
PERSIAN_DIGITS = "[$-3000429]"
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))

Cell = str | int | float | Decimal | None


def escape_formula(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header and width in characters."""

    header: str
    width: float = 14


def write_table(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Cell]],
    *,
    sheet_name: str,
    title: str = "",
    rtl: bool = True,
    persian_digits: bool = True,
    created: dt.datetime | None = None,
) -> bytes:
    """An .xlsx workbook of one sheet: an optional title line, then a frozen, filterable
    header row and the rows. Numbers stay numbers; text is written as text, escaped."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            # Belt and braces: text is written with write_string, never interpreted.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    if created is not None:
        workbook.set_properties({"created": created.replace(tzinfo=None)})
    name = sheet_name.translate(_SHEET_NAME_FORBIDDEN).strip("'")[:SHEET_NAME_MAX] or "Sheet1"
    sheet = workbook.add_worksheet(name)
    if rtl:
        sheet.right_to_left()
    digits = PERSIAN_DIGITS if persian_digits else ""
    header = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#E3F0F3"}
    )
    heading = workbook.add_format({"bold": True, "font_size": 13})
    integer = workbook.add_format({"num_format": f"{digits}#,##0"})
    decimal = workbook.add_format({"num_format": f"{digits}#,##0.0#"})
    text = workbook.add_format({"text_wrap": False})

    top = 0
    if title:
        sheet.write_string(0, 0, escape_formula(title), heading)
        top = 2
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(top, col, escape_formula(column.header), header)
    last_row = top
    for offset, row in enumerate(rows, start=1):
        last_row = top + offset
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                raise TypeError("write booleans as text the reader understands")
            if isinstance(value, int):
                sheet.write_number(last_row, col, value, integer)
            elif isinstance(value, float | Decimal):
                sheet.write_number(last_row, col, float(value), decimal)
            else:
                sheet.write_string(last_row, col, escape_formula(str(value)), text)
    sheet.freeze_panes(top + 1, 0)
    if columns:
        sheet.autofilter(top, 0, last_row, len(columns) - 1)
    workbook.close()
    return buffer.getvalue()

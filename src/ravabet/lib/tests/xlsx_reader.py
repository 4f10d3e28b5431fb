"""A reader of the sheets ``lib.xlsx`` writes, from the package's XML, for tests: the cells
as stored (shared strings resolved, numbers as text), the number formats and the sheet view."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

# Our own output, parsed without entities or network all the same.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _xml(data: str | bytes) -> etree._Element:
    return etree.fromstring(data.encode() if isinstance(data, str) else data, _PARSER)


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@dataclass(frozen=True)
class Sheet:
    rows: list[list[str]]
    number_formats: list[str]
    right_to_left: bool
    kinds: dict[str, str]  # cell reference → "s" (text) or "n" (number)


def _column(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference)
    assert letters is not None
    index = 0
    for letter in letters.group():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def read_sheet(content: bytes) -> Sheet:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert package.testzip() is None
        strings = (
            [
                "".join(t.text or "" for t in item.iter(f"{{{NS['m']}}}t"))
                for item in _xml(package.read("xl/sharedStrings.xml")).iterfind("m:si", NS)
            ]
            if "xl/sharedStrings.xml" in package.namelist()
            else []
        )
        sheet = _xml(package.read("xl/worksheets/sheet1.xml"))
        styles = _xml(package.read("xl/styles.xml"))
    rows: list[list[str]] = []
    kinds: dict[str, str] = {}
    for row in sheet.iterfind("m:sheetData/m:row", NS):
        index = int(row.attrib["r"]) - 1
        while len(rows) <= index:
            rows.append([])
        cells = rows[index]
        for cell in row.iterfind("m:c", NS):
            reference = cell.attrib["r"]
            value = cell.find("m:v", NS)
            if value is None or value.text is None:
                continue
            column = _column(reference)
            while len(cells) <= column:
                cells.append("")
            if cell.attrib.get("t") == "s":
                cells[column] = strings[int(value.text)]
                kinds[reference] = "s"
            else:
                cells[column] = value.text
                kinds[reference] = "n"
    view = sheet.find("m:sheetViews/m:sheetView", NS)
    return Sheet(
        rows=rows,
        number_formats=[f.attrib["formatCode"] for f in styles.iterfind("m:numFmts/m:numFmt", NS)],
        right_to_left=view is not None and view.attrib.get("rightToLeft") == "1",
        kinds=kinds,
    )

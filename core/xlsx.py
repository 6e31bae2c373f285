"""XLSX written as a stream: rows go straight into the zipped sheets' XML.

openpyxl's write-only mode builds a cell object and an element per value and escapes text a
character at a time; for exports of ten thousand applications with long answers that caps it
near 2,000 rows a second. The format of a plain sheet is small (five fixed parts and the sheet),
so exports write it here at several times the speed; tests read it back with openpyxl.

Cells: None (empty), int, float, Decimal, naive datetime (shown as yyyy-mm-dd hh:mm) and str,
always written as text (an inline string), so nothing a user typed can become a formula.
"""

import re
import zipfile
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl.utils import get_column_letter

# Characters XML 1.0 cannot carry; openpyxl drops the same ones.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
EPOCH = datetime(1899, 12, 30)  # day 0 of spreadsheet serial dates (1900 system)
DATE_STYLE = 1  # index of the date-time cell format in STYLES
BATCH = 200  # rows joined per write: fewer, larger writes into the compressor

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PACKAGE_RELS = "application/vnd.openxmlformats-package.relationships+xml"
ROOT_RELS = (
    f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
STYLES = f"""{XML_DECLARATION}<styleSheet xmlns="{NS}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill>
<fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{OFFICE_TYPE}.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{PACKAGE_RELS}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE_TYPE}.sheet.main+xml"/>'
        f"{overrides}"
        f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE_TYPE}.styles+xml"/></Types>'
    )


def _workbook(titles: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(title).replace(chr(34), "&quot;")}" sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    return f'{XML_DECLARATION}<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>{sheets}</sheets></workbook>'


def _workbook_rels(sheets: int) -> str:
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
    return f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">{links}{styles}</Relationships>'


def escape(text: str) -> str:
    # isprintable() is a fast scan in C; only text it refuses (line breaks, tabs…) needs the regex.
    if not text.isprintable() and ILLEGAL.search(text):
        text = ILLEGAL.sub("", text)
    # Most cells need nothing replaced: `in` scans in C without a method call. str.replace runs at
    # memory speed; a translate table or a regex is many times slower.
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text


def sheet_title(title: str) -> str:
    return SHEET_TITLE_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet1"


def _unique_titles(titles: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for n, title in enumerate(titles, start=1):
        title = sheet_title(title)
        if title.casefold() in seen:  # spreadsheets compare sheet names without case
            title = f"{title[:27]} ({n})"
        seen.add(title.casefold())
        unique.append(title)
    return unique


def _cell(ref: str, value: Any) -> str:
    if value.__class__ is str:  # the common case first
        return (
            f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
            if value
            else ""
        )
    if value is None:
        return ""
    if isinstance(value, str):
        return _cell(ref, str(value))
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"><v>{format(value, "f")}</v></c>' if value.is_finite() else ""
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        days = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{days!r}</v></c>'
    return _cell(ref, str(value))


def _row(number: int, values: list[Any], letters: list[str]) -> str:
    while len(letters) < len(values):
        letters.append(get_column_letter(len(letters) + 1))
    n = str(number)
    cells = []
    for letter, value in zip(letters, values, strict=False):
        if value.__class__ is str:  # the common case inline: a call per cell costs a tenth of the file
            if value:
                text = escape(value)
                cells.append(
                    f'<c r="{letter}{n}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
        elif value is not None:
            cells.append(_cell(letter + n, value))
    return f'<row r="{n}">{"".join(cells)}</row>'


def write_sheet(target: IO[bytes], title: str, rows: Iterable[list[Any]]) -> None:
    """Write `rows` (the first is usually the header) as the one sheet of an XLSX to `target`."""
    write_workbook(target, [(title, rows)])


def write_workbook(target: IO[bytes], sheets: list[tuple[str, Iterable[list[Any]]]]) -> None:
    """Write each (title, rows) as a sheet, in order; rows are consumed one sheet at a time."""
    titles = _unique_titles([title for title, _rows in sheets])
    # Level 1: deflate at several times the default level's speed, for files about a fifth larger.
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", _content_types(len(sheets)))
        package.writestr("_rels/.rels", ROOT_RELS)
        package.writestr("xl/workbook.xml", _workbook(titles))
        package.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        package.writestr("xl/styles.xml", STYLES)
        for n, (_title, rows) in enumerate(sheets, start=1):
            _write_rows(package, f"xl/worksheets/sheet{n}.xml", rows)


def _write_rows(package: zipfile.ZipFile, name: str, rows: Iterable[list[Any]]) -> None:
    letters: list[str] = []
    with package.open(name, "w", force_zip64=True) as sheet:
        sheet.write(f'{XML_DECLARATION}<worksheet xmlns="{NS}"><sheetData>'.encode())
        batch: list[str] = []
        for number, values in enumerate(rows, start=1):
            batch.append(_row(number, values, letters))
            if len(batch) == BATCH:
                sheet.write("".join(batch).encode())
                batch = []
        sheet.write(("".join(batch) + "</sheetData></worksheet>").encode())

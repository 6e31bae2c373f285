"""core.xlsx writes files that a spreadsheet reader sees exactly as the rows were given."""

import io
import warnings
from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook

from core.xlsx import sheet_title, write_sheet


def read(rows, title="Заявки"):
    target = io.BytesIO()
    write_sheet(target, title, rows)
    target.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Workbook contains no default style"
        return load_workbook(target)


def test_values_come_back_with_their_types_and_places():
    when = datetime(2026, 3, 20, 17, 45)
    book = read(
        [["Назва", "Сума", "Коли"], ["Бібліотека <№1> & Ко", Decimal("1500.50"), when], [None, 7, None]]
    )
    sheet = book["Заявки"]
    assert [c.value for c in sheet[1]] == ["Назва", "Сума", "Коли"]
    assert sheet["A2"].value == "Бібліотека <№1> & Ко"
    assert sheet["B2"].value == 1500.5
    assert sheet["C2"].value == when
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["A3"].value is None and sheet["B3"].value == 7  # an empty cell keeps the next in place


def test_text_is_never_a_formula_and_xml_breaking_characters_are_dropped():
    sheet = read([['=HYPERLINK("http://evil")', "bell\x07here", "two\r\nlines"]]).active
    assert sheet["A1"].data_type == "s"
    assert sheet["A1"].value == '=HYPERLINK("http://evil")'
    assert sheet["B1"].value == "bellhere"
    assert sheet["C1"].value == "two\r\nlines"


def test_many_columns_get_letters_beyond_z():
    sheet = read([list(range(30))]).active
    assert sheet["AD1"].value == 29


def test_sheet_titles_are_made_valid():
    assert sheet_title("Звіт: 2026/27 [чернетка]") == "Звіт  2026 27  чернетка"
    assert len(sheet_title("Д" * 40)) == 31
    assert sheet_title("???") == "Sheet1"

"""The shared table reader: encodings, delimiters, XLSX, and the refusals."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from core.tables import Column, read_table
from tests.imports.conftest import upload

COLUMNS = [Column("name", "Name", ("назва",), True), Column("region", "Region", ("область",), True)]


def test_utf8_with_bom_and_semicolons():
    table = read_table(upload("\ufeffНазва;Область\nБібліотека;Полтавська\n".encode()), COLUMNS)
    assert table.kind == "csv"
    assert table.rows == [{"name": "Бібліотека", "region": "Полтавська"}]
    assert table.numbers == [2]


def test_cp1251_as_ukrainian_excel_saves_it():
    data = "Назва;Область\r\nЇжакова бібліотека;Київська\r\n\r\nДруга;Львівська\r\n".encode("cp1251")
    table = read_table(upload(data), COLUMNS)
    assert [r["name"] for r in table.rows] == ["Їжакова бібліотека", "Друга"]
    assert table.numbers == [2, 4]  # the blank line is skipped, numbers stay the file's


def test_commas_and_english_headers_in_any_case():
    table = read_table(upload(b"NAME,region,extra\nA,B,C\n"), COLUMNS)
    assert table.rows == [{"name": "A", "region": "B"}]
    assert table.unknown_headers == ["extra"]


def test_xlsx_read_only_with_numbers():
    workbook = Workbook()
    workbook.active.append(["Назва", "Область"])
    workbook.active.append(["Бібліотека", 12345])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(upload(buffer.getvalue(), "whatever.csv"), COLUMNS)  # the name does not matter
    assert table.kind == "xlsx"
    assert table.rows == [{"name": "Бібліотека", "region": "12345"}]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"%PDF-1.4 not a table", "not accepted"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not accepted"),
        (b"PK\x03\x04broken zip", "not accepted"),
        ("Назва\nБібліотека\n".encode(), "Required columns are missing: Region"),
        (b"", "not accepted"),
    ],
)
def test_refusals_are_clear(data, message):
    with pytest.raises(ValidationError) as error:
        read_table(upload(data, "table.xlsx"), COLUMNS)
    assert message in " ".join(error.value.messages)


def test_too_many_rows():
    data = ("Назва,Область\n" + "a,b\n" * 11).encode()
    with pytest.raises(ValidationError, match="more than 10 rows"):
        read_table(upload(data), COLUMNS, max_rows=10)

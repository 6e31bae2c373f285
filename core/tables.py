"""Uploaded tables (CSV or XLSX) read into a header and numbered rows, and blank templates of them.

A CSV may come from anywhere Ukrainian libraries keep lists: UTF-8 with or without a byte-order
mark, or cp1251 as Ukrainian Excel saves "CSV (розділювач — крапка з комою)"; the delimiter (`;`
or `,`) is sniffed from the header line. The type is read from the content (core.files), never
from the name. Columns are matched by any of their accepted headers, in Ukrainian or English,
ignoring case, spaces and punctuation around the words.
"""

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader

from core.files import XLSX, ArchiveBomb, BoundedZipFile, check_archive, sniff_type

CSV = "csv"
MAX_ROWS = 20_000
MAX_BYTES = 20 * 2**20
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of an import: its key in code, its header for people, the headers accepted."""

    key: str
    label: str  # shown in templates and errors (translated by the caller)
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: str = ""

    def matches(self, header: str) -> bool:
        wanted = {normalise_header(self.key), normalise_header(self.label)}
        wanted |= {normalise_header(alias) for alias in self.aliases}
        return normalise_header(header) in wanted


@dataclass
class Table:
    """Rows keyed by column key; `numbers` are the rows' line numbers in the file (header = 1)."""

    kind: str
    rows: list[dict[str, str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)


def normalise_header(text: str) -> str:
    return re.sub(r"[\W_]+", " ", str(text).casefold()).strip()


def read_table(upload: UploadedFile, columns: Sequence[Column], *, max_rows: int = MAX_ROWS) -> Table:
    """Read an uploaded CSV or XLSX; ValidationError with a message for people if it cannot be read."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is too large; the limit is %(limit)d MB.") % {"limit": MAX_BYTES >> 20}
        )
    kind = sniff_type(upload)
    if kind == XLSX:
        header, records = _xlsx_records(upload)
    elif kind is None and _looks_like_text(upload):
        kind = CSV
        header, records = _csv_records(upload)
    else:
        raise ValidationError(_("This file type is not accepted here. Upload a CSV or XLSX table."))
    if header is None:
        raise ValidationError(_("The file is empty: it has no header row."))
    positions, unknown = _match_columns(header, columns)
    missing = [c for c in columns if c.required and c.key not in positions]
    if missing:
        raise ValidationError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(c.label for c in missing)}
        )
    table = Table(kind=kind, unknown_headers=unknown)
    for number, values in records:
        if not any(v.strip() for v in values):
            continue  # a blank line
        if len(table.rows) >= max_rows:
            raise ValidationError(
                _("The file has more than %(limit)d rows. Split it into smaller files.") % {"limit": max_rows}
            )
        table.rows.append(
            {key: _unquote(values[i]) if i < len(values) else "" for key, i in positions.items()}
        )
        table.numbers.append(number)
    return table


def _unquote(value: str) -> str:
    """A cell as typed: the apostrophe that keeps "+380…" from being a formula is dropped."""
    value = value.strip()
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def _match_columns(header: list[str], columns: Sequence[Column]) -> tuple[dict[str, int], list[str]]:
    positions: dict[str, int] = {}
    unknown = []
    for index, title in enumerate(header):
        if not title.strip():
            continue
        column = next((c for c in columns if c.matches(title)), None)
        if column is None:
            unknown.append(title.strip())
        elif column.key in positions:
            raise ValidationError(_("The column “%(column)s” appears twice.") % {"column": title.strip()})
        else:
            positions[column.key] = index
    return positions, unknown


def _looks_like_text(upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    control = set(range(9)) | {11, 12} | set(range(14, 27)) | set(range(28, 32))
    return bool(head) and not head.startswith(b"PK\x03\x04") and not control.intersection(head)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file's text encoding was not recognised. Save it as CSV UTF-8 or as XLSX.")
        ) from None


def _csv_records(upload: UploadedFile) -> tuple[list[str] | None, Iterable[tuple[int, list[str]]]]:
    upload.seek(0)
    text = _decode(upload.read())
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise ValidationError(
            _("The CSV file cannot be read (line %(line)d): %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return header, records


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a registry code typed as a number
    return str(value)


def _xlsx_records(upload: UploadedFile) -> tuple[list[str] | None, Iterable[tuple[int, list[str]]]]:
    upload.seek(0)
    try:
        workbook = _open_workbook(upload)
    except ArchiveBomb:
        raise
    except Exception:
        raise ValidationError(
            _("The XLSX file cannot be read. Open it in a spreadsheet and save it again.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        header = None if first is None else [_cell_text(v) for v in first]
        records = []
        for number, row in enumerate(rows, start=2):
            records.append((number, [_cell_text(v) for v in row]))
            if len(records) > MAX_ROWS + 1000:  # blank rows are skipped later; stop reading a runaway sheet
                break
    finally:
        workbook.close()
    return header, records


def _open_workbook(upload: UploadedFile):
    """openpyxl's load_workbook (read-only, values only) on an archive checked before it reads a
    byte: members' declared sizes and ratios (core.files.check_archive), and members inflated a
    chunk at a time (BoundedZipFile), so a part whose header understates its size stops there."""
    reader = ExcelReader(upload, read_only=True, data_only=True)
    reader.archive.close()
    upload.seek(0)
    reader.archive = BoundedZipFile(upload)
    try:
        check_archive(reader.archive)
        reader.read()
    except Exception:
        reader.archive.close()
        raise
    return reader.wb


# --- blank templates --------------------------------------------------------------------------


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def template_csv_response(columns: Sequence[Column], filename: str) -> HttpResponse:
    """A CSV with the header row and one example row, with a byte-order mark for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_safe(c.label) for c in columns])
    writer.writerow([_safe(c.example) for c in columns])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def template_xlsx_response(columns: Sequence[Column], filename: str, title: str) -> FileResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([c.label for c in columns])
    sheet.append([c.example for c in columns])
    for row in sheet.iter_rows():
        for cell in row:
            cell.data_type = "s"  # never a formula
    temporary = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    workbook.save(temporary)
    temporary.seek(0)
    return FileResponse(temporary, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)

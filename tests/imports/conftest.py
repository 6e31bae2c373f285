import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import registry_code_checksum_ok

HEADER = [
    "Назва",
    "Тип",
    "Область",
    "Населений пункт",
    "Адреса",
    "Код ЄДРПОУ",
    "Сайт",
    "E-mail",
    "Телефон",
    "Contact e-mail",
    "Contact person",
]


def edrpou(n: int) -> str:
    """A valid invented eight-digit code from a number (its check digit computed)."""
    prefix = f"{2_000_000 + n:07d}"
    return next(prefix + str(d) for d in range(10) if registry_code_checksum_ok(prefix + str(d)))


def org_row(n: int, **overrides) -> dict:
    row = {
        "Назва": f"Вигадана бібліотека №{n}",
        "Тип": "Публічна бібліотека" if n % 2 else "public_library",
        "Область": "Полтавська область" if n % 3 else "Poltava Oblast",
        "Населений пункт": f"Село {n}",
        "Адреса": f"вул. Вигадана, {n}",
        "Код ЄДРПОУ": edrpou(n),
        "Сайт": f"library{n}.example.org",
        "E-mail": f"library{n}@example.org",
        "Телефон": "+380 00 000 00 00",
        "Contact e-mail": f"contact{n}@example.org",
        "Contact person": f"Вигадана Особа {n}",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], *, header=HEADER, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def upload(data: bytes, name: str = "table.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture
def org_csv():
    return lambda rows, **kw: upload(csv_bytes(rows, **kw))

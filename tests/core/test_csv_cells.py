"""core.exports' CSV writing: text is quoted and checked for formulas by its first character only,
numbers and dates go out as they are, and a CSV reader gets every value back."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from core.exports import CHUNK, FORMULA_STARTS, aware, csv_text, raw_batches


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_that_could_start_a_formula_gets_an_apostrophe(start):
    assert read(csv_text([[f"{start}HYPERLINK(1)", mark_safe(f"{start}2")]])) == [
        [f"'{start}HYPERLINK(1)", f"'{start}2"]
    ]


def test_other_text_is_unchanged_and_survives_quotes_commas_and_line_breaks():
    cells = ["Бібліотека", 'Сказали "так", потім', "рядок\nдругий", "", "a=b", " -пробіл"]
    assert read(csv_text([cells])) == [cells]


def test_numbers_and_dates_are_never_neutralised():
    row = [-5, 7, Decimal("-1.2500"), -0.5, None, datetime(2027, 3, 1, 18, 5), True]
    line = csv_text([row])
    assert line == '-5,7,-1.2500,-0.5,,2027-03-01 18:05,"True"\r\n'
    assert read(line) == [["-5", "7", "-1.2500", "-0.5", "", "2027-03-01 18:05", "True"]]


def test_lazy_text_is_written_as_its_text_and_still_checked():
    assert read(csv_text([[lazy(lambda: "=1+1", str)()]])) == [["'=1+1"]]


def test_aware_reads_naive_moments_as_utc():
    assert aware(datetime(2027, 1, 1, 12)) == datetime(2027, 1, 1, 12, tzinfo=UTC)
    moment = datetime(2027, 1, 1, 12, tzinfo=UTC)
    assert aware(moment) is moment


@pytest.mark.django_db
def test_raw_batches_give_plain_rows_in_chunks():
    from accounts.models import Organisation
    from tests.factories import OrganisationFactory

    OrganisationFactory.create_batch(3)
    queryset = Organisation.objects.order_by("pk").values_list("pk", "name")
    batches = list(raw_batches(queryset))
    assert [len(batch) for batch in batches] == [3]  # under CHUNK: one batch
    assert [tuple(row) for row in batches[0]] == list(queryset)
    assert CHUNK >= 100

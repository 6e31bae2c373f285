"""Exports of a contest's applications: streamed CSV and XLSX, for organisers only."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import services
from contests.models import FormField
from core.exports import neutralise
from tests.applications.screening_data import draft, submitted
from tests.factories import FormFieldFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil")'


def url(contest, fmt):
    return reverse("applications:export", args=[contest.pk, fmt])


@pytest.fixture
def contest(published_contest):
    FormFieldFactory(
        contest=published_contest,
        key="services",
        label="Е-послуги",
        field_type=FormField.Type.MULTIPLE_CHOICE,
        choices=["Пенсії", "Субсидії", "Податки"],
        required=False,
    )
    FormFieldFactory(
        contest=published_contest,
        key="wifi",
        label="Є Wi-Fi",
        field_type=FormField.Type.YES_NO,
        required=False,
    )
    FormFieldFactory(
        contest=published_contest,
        key="served",
        label="Обслуговано осіб",
        field_type=FormField.Type.NUMBER,
        required=False,
    )
    return published_contest


@pytest.fixture
def applications(contest, organiser):
    text = contest.form_fields.get(required=True).key
    first = submitted(
        contest,
        name="Бібліотека-філія №3 м. Миколаїв",
        settlement="Миколаїв",
        answers={
            text: "Навчили 340 людей",
            "services": ["Пенсії", "Податки"],
            "wifi": True,
            "served": "2000",
        },
    )
    second = submitted(contest, name=EVIL, answers={text: "+380 цифри", "wifi": False})
    services.mark_ineligible(second, by=organiser, reason="incomplete", note="-нема кошторису")
    draft(contest)
    return [first, second]


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_neutralise():
    assert neutralise(EVIL) == "'" + EVIL
    for start in "=+-@\t\r":
        assert neutralise(f"{start}1").startswith("'")
    assert neutralise("Бібліотека") == "Бібліотека"


def test_csv_has_a_row_per_application(web, organiser, contest, applications):
    response = web(organiser).get(url(contest, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[:11] == [
        "Registration number",
        "Project title",
        "Organisation",
        "Region",
        "Settlement",
        "Nomination",
        "State",
        "Submitted (Europe/Kyiv)",
        "Arrived (Europe/Kyiv)",
        "Reason of ineligibility",
        "Screening note",
    ]
    assert header[-3:] == ["Е-послуги", "Є Wi-Fi", "Обслуговано осіб"]
    assert len(body) == 2  # the draft is left out
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    first = by_number[applications[0].number]
    assert first["Organisation"] == "Бібліотека-філія №3 м. Миколаїв"
    assert first["Settlement"] == "Миколаїв"
    assert first["Region"] == "Poltava Oblast"
    assert first["State"] == "Submitted"
    assert first["Е-послуги"] == "Пенсії; Податки"
    assert first["Є Wi-Fi"] == "Yes"
    assert first["Обслуговано осіб"] == "2000"
    assert "Навчили 340 людей" in first.values()
    second = by_number[applications[1].number]
    assert second["Organisation"] == "'" + EVIL
    assert second["State"] == "Ineligible"
    assert second["Reason of ineligibility"] == "Incomplete application"
    assert second["Screening note"] == "'-нема кошторису"
    assert second["Є Wi-Fi"] == "No"
    assert "'+380 цифри" in second.values()
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)


def test_csv_in_ukrainian(web, organiser, contest, applications):
    client = web(organiser)
    client.cookies["django_language"] = "uk"
    rows = read_csv(client.get(url(contest, "csv")))
    header = rows[0]
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_number[applications[0].number]["Є Wi-Fi"] == "Так"
    assert by_number[applications[1].number]["Є Wi-Fi"] == "Ні"


def test_xlsx_has_a_row_per_application(web, organiser, contest, applications):
    response = web(organiser).get(url(contest, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet, rows = read_xlsx(response)
    header, body = rows[0], rows[1:]
    assert len(body) == 2
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    first = by_number[applications[0].number]
    assert first["Organisation"] == "Бібліотека-філія №3 м. Миколаїв"
    assert first["Е-послуги"] == "Пенсії; Податки"
    assert first["Обслуговано осіб"] == 2000  # a number Excel can sum
    assert first["Submitted (Europe/Kyiv)"].year >= 2024
    second = by_number[applications[1].number]
    assert second["Organisation"] == "'" + EVIL
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_exports_for_organisers_only(web, organiser, other_organiser, applicant, contest, applications):
    member = applications[0].organisation.members.first()
    for fmt in ("csv", "xlsx"):
        assert web(other_organiser).get(url(contest, fmt)).status_code == 403
        assert web(applicant).get(url(contest, fmt)).status_code == 403
        assert web(member).get(url(contest, fmt)).status_code == 403
        assert web().get(url(contest, fmt)).status_code == 302
    assert web(organiser).get(reverse("applications:export", args=[contest.pk, "pdf"])).status_code == 404


def test_hidden_contest_answers_404(web, other_organiser, draft_contest):
    for fmt in ("csv", "xlsx"):
        assert web(other_organiser).get(url(draft_contest, fmt)).status_code == 404


def test_export_queries_do_not_grow_with_rows(web, organiser, contest, count_queries):
    client = web(organiser)
    submitted(contest)

    def export(fmt):
        def run():
            response = client.get(url(contest, fmt))
            b"".join(response.streaming_content)

        return run

    counts_one = {fmt: count_queries(export(fmt)) for fmt in ("csv", "xlsx")}
    for _ in range(9):
        submitted(contest)
    counts_ten = {fmt: count_queries(export(fmt)) for fmt in ("csv", "xlsx")}
    assert counts_one == counts_ten

"""The contest's summary: the XLSX workbook's sheets and rows, and the printable PDF."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application
from review.ranking import rank
from tests.pdf import inflated

pytestmark = pytest.mark.django_db


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def test_summary_xlsx_has_applications_ranking_and_winners(web, busy):
    contest = busy.contest
    winner = busy.applications[2]
    Application.objects.filter(pk=winner.pk).update(state=Application.State.AWARDED)
    busy.applications[3].title = "=1+2"
    busy.applications[3].save(update_fields=["title"])
    response = web(busy.organiser).get(reverse("reports:summary_xlsx", args=[contest.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="contest-{contest.pk}-summary.xlsx"'
    book = workbook(response)
    assert book.sheetnames == ["Applications", "Ranking", "Winners"]  # no grants sheet until grants exist

    applications = list(book["Applications"].iter_rows(values_only=True))
    assert applications[0] == (
        "Registration number",
        "Project title",
        "Organisation",
        "Region",
        "Nomination",
        "State",
        "Submitted (Europe/Kyiv)",
    )
    expected = Application.objects.filter(contest=contest).exclude(state=Application.State.DRAFT)
    assert len(applications) - 1 == expected.count() == 12
    first = min(expected, key=lambda a: (a.number, a.pk))
    assert applications[1][:5] == (
        first.number,
        first.title,
        first.organisation.name,
        first.organisation.get_region_display(),
        first.nomination.title,
    )
    local = contest.local(first.submitted_at).replace(tzinfo=None)
    assert abs((applications[1][6] - local).total_seconds()) < 1  # the cell keeps whole seconds or less
    assert "'=1+2" in [row[1] for row in applications]  # formulas stay text
    assert "Awarded" in [row[5] for row in applications]

    ranking = list(book["Ranking"].iter_rows(values_only=True))
    assert ranking[0][:2] == ("Position", "Position in nomination")
    assert ranking[0][6:] == ("Raw score (mean)", "Calibrated score", "Reviews", "Spread")
    expected_rows = rank(busy.round).rows
    assert len(ranking) - 1 == len(expected_rows) == 6
    numbers = dict(Application.objects.filter(contest=contest).values_list("pk", "number"))
    for got, row in zip(ranking[1:], expected_rows, strict=True):
        assert got[0] == row.position
        assert got[2] == numbers[row.application_id]
        assert got[8] == row.reviews
        if row.mean is None:
            assert got[6] is None
        else:
            assert got[6] == pytest.approx(row.mean, abs=1e-4)
    reviews = {row[2]: row[8] for row in ranking[1:]}
    assert reviews[busy.applications[0].number] == 2
    assert reviews[busy.applications[1].number] == 1  # the second review is not submitted

    winners = list(book["Winners"].iter_rows(values_only=True))
    assert winners[1:] == [
        (winner.nomination.title, winner.number, winner.title, winner.organisation.name, "Odesa Oblast")
    ]


def test_summary_xlsx_without_round_or_winners_has_the_applications_only(web, organiser, published_contest):
    from tests.applications.screening_data import submitted

    one = submitted(published_contest)
    response = web(organiser).get(reverse("reports:summary_xlsx", args=[published_contest.pk]))
    book = workbook(response)
    assert book.sheetnames == ["Applications"]
    rows = list(book["Applications"].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [one.number]


def test_summary_pdf_prints_the_dashboard(web, busy):
    contest = busy.contest
    response = web(busy.organiser).get(reverse("reports:summary_pdf", args=[contest.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-")
    assert body.rstrip().endswith(b"%%EOF")
    searchable = inflated(body)
    pages = re.findall(rb"/Type\s*/Page\b", searchable)
    assert len(pages) >= 2  # eleven charts with their tables do not fit on one A4 page
    # The document's title is the contest's (Cyrillic), as UTF-16 in the metadata.
    title = contest.title.encode("utf-16-be")
    assert title.hex().upper().encode() in searchable.upper() or title in searchable
    # The Cyrillic text is set in the embedded DejaVu Sans.
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+DejaVu-?Sans", searchable)
    assert b"/FontFile" in searchable


def test_summary_xlsx_adds_the_grants_once_the_contest_gave_any(web):
    from tests.grants.conftest import World

    world = World()
    organiser = world.organiser
    address = reverse("reports:summary_xlsx", args=[world.contest.pk])
    assert "Grants" not in workbook(web(organiser).get(address)).sheetnames
    grant = world.active("40000.00")
    book = workbook(web(organiser).get(address))
    assert book.sheetnames[-3:] == ["Grants", "Tranches", "Reports"]
    rows = list(book["Grants"].iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one grant
    assert world.application.organisation.name in rows[1]
    assert 40000 in rows[1]
    assert grant.reports.count() == len(list(book["Reports"].iter_rows(values_only=True))) - 1

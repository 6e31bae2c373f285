"""The pages: card, plan, steps, print table, XLSX, yearly report, the officer's late list, and
who may do what (others 404, the plan read-only once the grant ended)."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from grants import services
from grants.models import PlanActivity, ProjectCard
from grants.services import work_plan
from tests.workplan.conftest import activity

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_grantee_fills_the_card_and_bad_input_keeps_what_was_typed(world, active):
    url = reverse("grants:card", args=[active.pk])
    member = client_of(world.member)
    form = {
        "organiser": "Бібліотека Вигадана",
        "manager_name": "Оксана",
        "manager_position": "",
        "manager_contact": "",
        "version": "",
        "sources-TOTAL_FORMS": "2",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "20",
        "sources-0-name": "Громада",
        "sources-0-amount": "abc",
        "sources-0-currency": "UAH",
        "sources-1-name": "",
        "sources-1-amount": "",
        "sources-1-currency": "UAH",
    }
    r = member.post(url, form)
    assert r.status_code == 400 and "Бібліотека Вигадана" in r.content.decode()
    assert not ProjectCard.objects.exists()
    r = member.post(url, {**form, "sources-0-amount": "2500"})
    assert r.status_code == 302
    card = ProjectCard.objects.get(grant=active)
    assert card.organiser == "Бібліотека Вигадана" and active.funding_sources.get().name == "Громада"
    page = member.get(url).content.decode()
    assert "Громада" in page and "40" in page  # the grant is the first source
    # The officer sees it; an outsider and a mere organiser get 404.
    assert client_of(world.officer).get(url).status_code == 200
    assert client_of(world.outsider).get(url).status_code == 404
    assert client_of(world.organiser).post(url, form).status_code == 404


def test_stale_card_form_is_refused_and_keeps_the_input(world, active):
    work_plan.save_card(active, by=world.officer, organiser="Перша")
    work_plan.save_card(active, by=world.officer, organiser="Друга")
    form = {
        "organiser": "Моя",
        "version": "1",
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "20",
    }
    r = client_of(world.member).post(reverse("grants:card", args=[active.pk]), form)
    assert r.status_code == 400 and "Моя" in r.content.decode()
    assert ProjectCard.objects.get(grant=active).organiser == "Друга"


def test_activity_added_started_and_done_with_a_note(world, active, mid_2025):
    member = client_of(world.member)
    plan = reverse("grants:plan", args=[active.pk])
    r = member.post(
        plan,
        {
            "title": "Клуб цифрової грамотності",
            "responsible": "Ірина",
            "start_month": "2025-02-01",
            "end_month": "2025-03-01",
            "deadline": "2025-03-31",
        },
    )
    assert r.status_code == 302
    a = PlanActivity.objects.get()
    # Done without evidence: refused on the form, nothing changed.
    complete = reverse("grants:complete_activity", args=[a.pk])
    r = member.post(complete, {"note": ""})
    assert r.status_code == 400 and "evidence" in r.content.decode()
    a.refresh_from_db()
    assert a.state == PlanActivity.State.PLANNED
    r = member.post(complete, {"note": "Провели 4 заняття"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.state == PlanActivity.State.DONE and a.evidence_note == "Провели 4 заняття"
    assert client_of(world.outsider).post(complete, {"note": "x"}).status_code == 404


def test_evidence_file_downloads_to_those_who_see_the_grant(world, active):
    a = activity(active, world.member)
    upload = SimpleUploadedFile("akt.pdf", b"%PDF-1.4\n% akt\n", content_type="application/pdf")
    r = client_of(world.member).post(reverse("grants:complete_activity", args=[a.pk]), {"evidence": upload})
    assert r.status_code == 302
    url = reverse("grants:activity_evidence", args=[a.pk])
    assert client_of(world.officer).get(url).status_code == 200
    assert client_of(world.outsider).get(url).status_code == 404


def test_late_activity_on_the_officers_dashboard_and_plan(world, active, mid_2025):
    late = activity(active, world.member, title="Запізніла подія", deadline=date(2025, 6, 1))
    activity(active, world.member, title="Ще попереду", deadline=date(2025, 11, 30))
    done = activity(active, world.member, title="Вже зроблено", deadline=date(2025, 5, 31))
    work_plan.complete_activity(done, by=world.member, note="Так")
    officer = client_of(world.officer)
    page = officer.get(reverse("grants:dashboard", args=[world.contest.pk])).content.decode()
    section = page.split('id="late-activities"')[1].split("</ul>")[0]
    assert "Запізніла подія" in section and "Ще попереду" not in section and "Вже зроблено" not in section
    index = officer.get(reverse("grants:index")).content.decode()
    assert "Запізніла подія" in index
    plan = client_of(world.member).get(reverse("grants:plan", args=[active.pk])).content.decode()
    assert f'id="activity-{late.pk}"' in plan and "late" in plan


def test_print_table_shape(world, active):
    activity(active, world.member, title="Навесні", start_month=date(2025, 3, 1), end_month=date(2025, 5, 1))
    autumn = {
        "start_month": date(2025, 10, 1),
        "end_month": date(2025, 10, 1),
        "deadline": date(2025, 10, 31),
    }
    activity(active, world.member, title="Восени", **autumn)
    page = client_of(world.officer).get(reverse("grants:plan_print", args=[active.pk])).content.decode()
    assert "css/workplan-print.css" in page
    table = page.split('id="plan-months"')[1].split("</table>")[0]
    assert len(re.findall(r'<th scope="col" class="month">', table)) == 12
    rows = table.split("<tbody>")[1].split("</tr>")[:2]
    assert [len(re.findall(r'class="month on"', row)) for row in rows] == [3, 1]
    assert 'style="' not in page


def test_plan_read_only_once_the_grant_ended(world, active):
    a = activity(active, world.member)
    services.terminate_grant(active, by=world.officer, note="Порушення")
    member = client_of(world.member)
    page = member.get(reverse("grants:plan", args=[active.pk])).content.decode()
    assert "Add the activity" not in page
    assert member.post(reverse("grants:activity_step", args=[a.pk, "start"])).status_code == 403
    a.refresh_from_db()
    assert a.state == PlanActivity.State.PLANNED


def test_xlsx_and_yearly_pages(world, active):
    activity(active, world.member)
    member = client_of(world.member)
    r = member.get(reverse("grants:plan_xlsx", args=[active.pk]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert client_of(world.outsider).get(reverse("grants:plan_xlsx", args=[active.pk])).status_code == 404
    r = member.get(reverse("grants:annual_indicators", args=[active.pk]))
    assert r.status_code == 200 and "Indicators by year" in r.content.decode()
    detail = member.get(reverse("grants:detail", args=[active.pk])).content.decode()
    assert reverse("grants:plan", args=[active.pk]) in detail

"""Every capability is reachable from the pages where people look for it, not only by URL."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from contests.models import Contest

pytestmark = pytest.mark.django_db


def test_everyone_finds_the_depository_in_the_main_navigation(web):
    page = web().get(reverse("home")).content.decode()
    assert f'href="{reverse("depository:catalogue")}"' in page


def test_the_manage_page_leads_to_winners_and_cases_once_the_call_is_out(web, organiser, contest_in):
    contest = contest_in(Contest.State.PUBLISHED)
    page = web(organiser).get(reverse("contests:manage", args=[contest.pk])).content.decode()
    assert reverse("awards:organise", args=[contest.pk]) in page
    assert reverse("depository:manage", args=[contest.pk]) in page


def test_a_draft_has_no_winners_link(web, organiser, draft_contest):
    page = web(organiser).get(reverse("contests:manage", args=[draft_contest.pk])).content.decode()
    assert reverse("awards:organise", args=[draft_contest.pk]) not in page


def test_the_public_page_links_results_only_after_the_announcement(web, contest_in):
    in_review = contest_in(Contest.State.IN_REVIEW)
    announced = contest_in(Contest.State.ANNOUNCED)
    assert (
        reverse("awards:results", args=[in_review.pk])
        not in web().get(reverse("contests:detail", args=[in_review.pk])).content.decode()
    )
    assert (
        reverse("awards:results", args=[announced.pk])
        in web().get(reverse("contests:detail", args=[announced.pk])).content.decode()
    )


def test_organisers_find_the_organisation_import_and_applicants_do_not(web, organiser, applicant):
    organiser.user_permissions.add(
        Permission.objects.get(content_type__app_label="contests", codename="add_contest")
    )
    link = reverse("accounts:organisations_import")
    assert link in web(organiser).get(reverse("accounts:organisations")).content.decode()
    assert link not in web(applicant).get(reverse("accounts:organisations")).content.decode()

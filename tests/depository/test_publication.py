"""Who may become a case, and what a published case shows."""

import pytest

from applications.models import Application
from contests.models import Contest
from core.exceptions import TransitionRefused
from depository import services
from depository.models import Practice

pytestmark = pytest.mark.django_db


def test_a_winner_is_published_without_consent(cases):
    practice = cases.published(categories=(cases.subcategory,))
    practice.refresh_from_db()
    assert practice.state == Practice.State.PUBLISHED
    assert practice.awarded is True
    assert practice.year == cases.contest.local(cases.contest.closes_at).year
    assert practice.region == "poltava"
    assert list(practice.categories.all()) == [cases.subcategory]
    assert practice.published_at is not None


def test_a_non_winner_without_consent_cannot_be_selected_or_published(cases):
    application = cases.application(Application.State.NOT_AWARDED)
    with pytest.raises(TransitionRefused) as refused:
        services.select_case(application, by=cases.organiser)
    assert "consent" in refused.value.reasons[0]
    assert not Practice.objects.exists()


def test_a_non_winner_with_consent_is_published(cases):
    application = cases.application(Application.State.NOT_AWARDED)
    cases.consent(application)
    practice = cases.published(application)
    assert practice.state == Practice.State.PUBLISHED
    assert practice.awarded is False


def test_consent_withdrawn_before_publication_refuses_it_and_changes_nothing(cases):
    application = cases.application(Application.State.NOT_AWARDED)
    cases.consent(application)
    practice = services.select_case(application, by=cases.organiser)
    cases.consent(application, granted=False)
    with pytest.raises(TransitionRefused):
        services.publish(practice, by=cases.organiser)
    practice.refresh_from_db()
    assert practice.state == Practice.State.DRAFT
    assert practice.sections == {}


def test_withdrawing_consent_takes_a_published_case_off(cases):
    application = cases.application(Application.State.NOT_AWARDED)
    cases.consent(application)
    practice = cases.published(application)
    cases.consent(application, granted=False)
    practice.refresh_from_db()
    assert practice.state == Practice.State.WITHDRAWN


def test_withdrawing_consent_leaves_a_winners_case_published(cases):
    practice = cases.published()
    cases.consent(practice.application, granted=False)
    practice.refresh_from_db()
    assert practice.state == Practice.State.PUBLISHED


@pytest.mark.parametrize("state", [Application.State.DRAFT, Application.State.WITHDRAWN])
def test_drafts_and_withdrawn_applications_never_become_cases(cases, state):
    application = cases.application(state)
    cases.consent(application)
    with pytest.raises(TransitionRefused):
        services.select_case(application, by=cases.organiser)


def test_nothing_is_published_before_the_results_are_announced(cases):
    cases.set_contest_state(Contest.State.DECIDED)
    practice = services.select_case(cases.application(Application.State.AWARDED), by=cases.organiser)
    with pytest.raises(TransitionRefused) as refused:
        services.publish(practice, by=cases.organiser)
    assert "announced" in refused.value.reasons[0]
    practice.refresh_from_db()
    assert practice.state == Practice.State.DRAFT


def test_the_snapshot_keeps_the_case_structure_only_and_later_edits_do_not_leak(cases):
    practice = cases.published()
    application = practice.application
    application.answers = {**application.answers, "case_solution": "Змінений текст після публікації."}
    application.title = "Нова назва"
    application.save()
    practice.refresh_from_db()
    assert practice.title == "Е-послуги для пенсіонерів"
    assert practice.sections["case_solution"].startswith("Бібліотека відкрила")
    assert "private_budget_note" not in practice.sections
    assert "внутрішня нотатка" not in practice.search_text
    assert practice.sections["case_e_services"] == ["Pension services", "Electronic signature"]


def test_publishing_again_takes_a_fresh_snapshot(cases):
    practice = cases.published()
    services.withdraw(practice, by=cases.organiser, note="Уточнення")
    Application.objects.filter(pk=practice.application_id).update(title="Уточнена назва")
    services.publish(practice, by=cases.organiser)
    practice.refresh_from_db()
    assert (practice.state, practice.title) == (Practice.State.PUBLISHED, "Уточнена назва")


def test_a_published_case_cannot_be_removed_only_withdrawn(cases):
    practice = cases.published()
    with pytest.raises(TransitionRefused):
        services.remove_draft(practice, by=cases.organiser)
    assert Practice.objects.filter(pk=practice.pk).exists()


def test_select_winners_adds_each_winner_once(cases):
    cases.application(Application.State.AWARDED)
    cases.application(Application.State.AWARDED)
    cases.application(Application.State.NOT_AWARDED)
    assert services.select_winners(cases.contest, by=cases.organiser) == 2
    assert services.select_winners(cases.contest, by=cases.organiser) == 0
    assert Practice.objects.filter(state=Practice.State.DRAFT).count() == 2

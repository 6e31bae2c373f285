"""Everyone hears the outcome (issue 15, point 14): at the announcement the applicants whose
entry never reached the jury's end get a message of their own, in their language, in the inbox
and by e-mail; approvers hear when a winner is proposed. Every person is invented."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from applications.models import Application
from awards import services
from contests.models import Contest
from notifications.models import Message
from notifications.rendering import render
from tests.factories import OrganisationFactory, UserFactory
from tests.review.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

STOPPED = {
    Application.State.INELIGIBLE: "awards.outcome_ineligible",
    Application.State.WITHDRAWN: "awards.outcome_withdrawn",
    Application.State.RETURNED: "awards.outcome_late",
    Application.State.DRAFT: "awards.outcome_draft",
    Application.State.ELIGIBLE: "awards.outcome_not_reviewed",
}


def _stopped(finished) -> dict[str, object]:
    """One application of each state that never reached the jury's end, one member each."""
    members = {}
    for i, state in enumerate(STOPPED):
        application = ApplicationFactory(
            contest=finished.contest,
            nomination=finished.a,
            organisation=OrganisationFactory(),
            state=state,
            title=f"Вигаданий проєкт {i}",
        )
        member = UserFactory(full_name=f"Заявниця Вигадана {i}", language="en" if i % 2 else "uk")
        application.organisation.memberships.create(user=member)
        members[state] = member
    return members


def _choose(finished) -> None:
    a1, a2, _ = finished.ranked(finished.a)
    b1, _, _ = finished.ranked(finished.b)
    for application in (a1, a2, b1):
        finished.winner(application)


def _announce(finished) -> Contest:
    services.decide(finished.contest, by=finished.organiser)
    return services.announce(Contest.objects.get(pk=finished.contest.pk), by=finished.second)


def test_every_applicant_hears_the_outcome_each_in_its_own_wording(finished):
    _choose(finished)
    stopped = _stopped(finished)
    _announce(finished)
    announced = Message.objects.filter(event__startswith="awards.").exclude(event="awards.winner_proposed")
    inbox = Counter(announced.filter(channel=Message.Channel.INAPP).values_list("event", flat=True))
    email = Counter(announced.filter(channel=Message.Channel.EMAIL).values_list("event", flat=True))
    # 3 winners and 3 others reviewed (one member each, and juror 0 is a member of the first
    # application's library), and one message per stopped entry.
    members_of_first = finished.applications[0].organisation.memberships.count()
    first_won = Application.objects.get(pk=finished.applications[0].pk).state == Application.State.AWARDED
    extra = members_of_first - 1
    assert inbox == {
        "awards.awarded": 3 + (extra if first_won else 0),
        "awards.not_awarded": 3 + (0 if first_won else extra),
        "awards.outcome_ineligible": 1,
        "awards.outcome_withdrawn": 1,
        "awards.outcome_late": 1,
        "awards.outcome_draft": 1,
        "awards.outcome_not_reviewed": 1,
    }
    assert email == inbox  # every one by e-mail too
    # One batch per application: 6 reviewed and 5 stopped, each told once.
    assert announced.values("dedupe_key").distinct().count() == 11
    for state, member in stopped.items():
        [message] = Message.objects.filter(user=member, channel=Message.Channel.INAPP)
        assert message.event == STOPPED[state]
        assert message.language == member.language
        assert message.context["contest"] == finished.contest.title
    # The states are untouched by the announcement: only the reviewed ones are closed.
    assert Application.objects.get(organisation__memberships__user=stopped["withdrawn"]).state == "withdrawn"


def test_each_wording_differs_and_speaks_the_recipients_language(finished):
    _choose(finished)
    stopped = _stopped(finished)
    _announce(finished)
    texts = set()
    for member in stopped.values():
        message = Message.objects.get(user=member, channel=Message.Channel.EMAIL)
        english = render(message.event, "en", message.context).text
        assert finished.contest.title in english
        texts.add(english)
    assert len(texts) == len(STOPPED)  # five wordings, not one
    assert "ineligible" in render("awards.outcome_ineligible", "en", {"contest": "X"}).text
    assert "withdrawn" in render("awards.outcome_withdrawn", "en", {"contest": "X"}).text
    assert "not submitted again in time" in render("awards.outcome_late", "en", {"contest": "X"}).text
    assert "never submitted" in render("awards.outcome_draft", "en", {"contest": "X"}).text


def test_a_proposed_winner_tells_the_other_organisers_and_the_chair(finished):
    application = finished.ranked(finished.a)[0]
    services.propose(application, by=finished.organiser, citation="За вигадані е-послуги")
    proposed = Message.objects.filter(event="awards.winner_proposed")
    told = set(proposed.filter(channel=Message.Channel.INAPP).values_list("user_id", flat=True))
    assert told == {finished.second.pk, finished.chair.pk}  # never the proposer
    assert proposed.filter(channel=Message.Channel.EMAIL).count() == 2
    message = proposed.filter(user=finished.chair, channel=Message.Channel.INAPP).get()
    assert message.context["application"] == application.title
    assert finished.organiser.full_name in render(message.event, "en", message.context).text


def test_a_refused_proposal_tells_nobody(finished):
    application = finished.ranked(finished.a)[0]
    services.propose(application, by=finished.organiser)
    with pytest.raises(ValidationError):  # proposed already
        services.propose(application, by=finished.second)
    assert Message.objects.filter(event="awards.winner_proposed", channel=Message.Channel.INAPP).count() == 2

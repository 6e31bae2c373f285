"""A deadline judged at arrival (core/arrival.py): a submission that reached us before the deadline
is accepted however long it waited for a worker; the arrival comes from a trusted proxy's
`X-Request-Start` or from the first middleware's own clock; the contest's grace period counts.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from applications.models import Application
from contests.forms import ContestForm
from core import arrival
from core.arrival import parse_request_start

pytestmark = pytest.mark.django_db
S = Application.State
PROXY = "10.0.0.7"


def submit_url(application: Application) -> str:
    return f"/api/v1/applications/{application.pk}/submit/"


def stamp(moment: datetime) -> str:
    """What nginx sends with `proxy_set_header X-Request-Start "t=${msec}";`."""
    return f"t={moment.timestamp():.3f}"


def web_submit(user, application: Application, **extra):
    client = Client()
    client.force_login(user)
    return client.post(reverse("applications:submit", args=[application.pk]), {}, **extra)


def api_submit(user, application: Application, **extra):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(submit_url(application), {}, format="json", **extra)


@pytest.fixture
def deadline(ready_application) -> datetime:
    return ready_application.contest.closes_at


@pytest.fixture
def trusted(settings):
    settings.TRUSTED_PROXY_IPS = ["127.0.0.1", "10.0.0.0/24"]


# --- reading the header ----------------------------------------------------------------------


def test_the_header_in_seconds_milliseconds_and_microseconds():
    moment = datetime(2027, 3, 1, 15, 59, 58, 123000, tzinfo=UTC)
    seconds = moment.timestamp()
    for text in (
        f"t={seconds:.3f}",
        f"t={int(seconds * 1000)}",
        f"t={int(seconds * 1_000_000)}",
        f" {seconds:.3f} ",
    ):
        parsed = parse_request_start(text)
        assert parsed is not None and abs(parsed - moment) < timedelta(milliseconds=1), text
    for junk in ("", "t=", "t=abc", "t=-5", "t=nan", "t=inf", "t=1e300"):
        assert parse_request_start(junk) is None, junk


# --- a request that waited in a queue --------------------------------------------------------


@pytest.mark.parametrize("door", ["web", "api"])
def test_arrived_before_the_deadline_from_a_trusted_proxy_is_accepted(
    door, trusted, applicant, ready_application, deadline, time_machine
):
    arrived = deadline - timedelta(seconds=2)
    time_machine.move_to(deadline + timedelta(seconds=40), tick=False)  # processed after it
    send = web_submit if door == "web" else api_submit
    response = send(applicant, ready_application, REMOTE_ADDR=PROXY, HTTP_X_REQUEST_START=stamp(arrived))
    assert response.status_code in (200, 302), response.content
    ready_application.refresh_from_db()
    assert ready_application.state == S.SUBMITTED
    assert abs(ready_application.arrived_at - arrived) < timedelta(milliseconds=1)
    assert ready_application.submitted_at == deadline + timedelta(seconds=40)
    assert arrival.arrived_at() is None  # nothing leaks to the next request of this thread


@pytest.mark.parametrize("door", ["web", "api"])
@pytest.mark.parametrize(
    "peer, header_at",
    [
        ("203.0.113.9", timedelta(seconds=-2)),  # any client may send the header: not trusted
        (PROXY, timedelta(seconds=10)),  # a trusted proxy, but the moment is in the future
        (PROXY, timedelta(seconds=-3600)),  # a trusted proxy, but absurdly old
    ],
)
def test_an_untrusted_or_insane_header_is_ignored(
    door, peer, header_at, trusted, applicant, ready_application, deadline, time_machine
):
    processed = deadline + timedelta(seconds=40)
    time_machine.move_to(processed, tick=False)
    send = web_submit if door == "web" else api_submit
    response = send(
        applicant, ready_application, REMOTE_ADDR=peer, HTTP_X_REQUEST_START=stamp(deadline + header_at)
    )
    if door == "api":
        assert response.status_code == 409, response.content
        assert "deadline passed" in response.content.decode()
    else:
        assert response.status_code == 200  # the page again, with the refusal
        assert "deadline passed" in response.content.decode()
    ready_application.refresh_from_db()
    assert ready_application.state == S.DRAFT and ready_application.arrived_at is None


def test_no_proxy_is_trusted_by_default(applicant, ready_application, deadline, time_machine):
    assert django_settings.TRUSTED_PROXY_IPS == []
    time_machine.move_to(deadline + timedelta(seconds=40), tick=False)
    response = api_submit(
        applicant, ready_application, REMOTE_ADDR="127.0.0.1", HTTP_X_REQUEST_START=stamp(deadline)
    )
    assert response.status_code == 409


class QueueDelay:
    """Stands between the arrival stamp and the view: the request waits (the clock moves)."""

    wait = None

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if QueueDelay.wait is not None:
            QueueDelay.wait()
        return self.get_response(request)


@pytest.fixture
def queue_delay(settings):
    first, *rest = settings.MIDDLEWARE
    assert first == "core.arrival.ArrivalMiddleware"  # the earliest point in the process
    settings.MIDDLEWARE = [first, f"{__name__}.QueueDelay", *rest]
    yield QueueDelay
    QueueDelay.wait = None


@pytest.mark.parametrize("door", ["web", "api"])
def test_without_a_proxy_the_middleware_stamps_the_arrival(
    door, queue_delay, applicant, ready_application, deadline, time_machine
):
    arrived = deadline - timedelta(seconds=1)
    time_machine.move_to(arrived, tick=False)
    queue_delay.wait = lambda: time_machine.move_to(deadline + timedelta(seconds=25), tick=False)
    send = web_submit if door == "web" else api_submit
    response = send(applicant, ready_application)
    assert response.status_code in (200, 302), response.content
    ready_application.refresh_from_db()
    assert ready_application.state == S.SUBMITTED
    assert ready_application.arrived_at == arrived
    assert ready_application.submitted_at == deadline + timedelta(seconds=25)


def test_the_middleware_stamp_after_the_deadline_is_refused(
    queue_delay, applicant, ready_application, deadline, time_machine
):
    time_machine.move_to(deadline, tick=False)  # the deadline itself is too late
    queue_delay.wait = lambda: time_machine.move_to(deadline + timedelta(seconds=25), tick=False)
    assert api_submit(applicant, ready_application).status_code == 409


# --- the grace period ------------------------------------------------------------------------


@pytest.fixture
def graced(ready_application):
    contest = ready_application.contest
    contest.grace_minutes = 10
    contest.save(update_fields=["grace_minutes"])
    return ready_application


@pytest.mark.parametrize("door", ["web", "api"])
def test_the_grace_period_is_honoured(door, applicant, graced, deadline, time_machine):
    send = web_submit if door == "web" else api_submit
    time_machine.move_to(deadline + timedelta(minutes=10), tick=False)
    refused = send(applicant, graced)  # the grace period's end itself is too late
    assert refused.status_code == (200 if door == "web" else 409)
    assert "deadline passed" in refused.content.decode()
    assert Application.objects.get(pk=graced.pk).state == S.DRAFT
    time_machine.move_to(deadline + timedelta(minutes=9, seconds=59), tick=False)
    response = send(applicant, graced)
    assert response.status_code in (200, 302), response.content
    graced.refresh_from_db()
    assert graced.state == S.SUBMITTED
    assert graced.arrived_at == deadline + timedelta(minutes=9, seconds=59)


def test_the_call_states_the_grace_period_next_to_the_deadline(client, graced):
    page = client.get(reverse("contests:detail", args=[graced.contest_id])).content.decode()
    assert "Submissions arriving up to 10 minutes after the deadline are accepted." in page
    graced.contest.grace_minutes = 0
    graced.contest.save(update_fields=["grace_minutes"])
    page = client.get(reverse("contests:detail", args=[graced.contest_id])).content.decode()
    assert "after the deadline are accepted" not in page


def test_the_call_cannot_be_closed_during_the_grace_period(organiser, graced, deadline, time_machine):
    contest = graced.contest
    time_machine.move_to(deadline + timedelta(minutes=5), tick=False)
    assert contest.close_problems(force=False, note="")
    time_machine.move_to(deadline + timedelta(minutes=10), tick=False)
    assert contest.close_problems(force=False, note="") == []


def test_the_grace_period_is_set_by_form_and_api(organiser, form_contest):
    assert "grace_minutes" in ContestForm(instance=form_contest).fields
    client = APIClient()
    client.force_authenticate(organiser)
    url = f"/api/v1/contests/{form_contest.pk}/"
    response = client.patch(url, {"grace_minutes": 15}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["grace_minutes"] == 15
    form_contest.refresh_from_db()
    assert form_contest.grace_minutes == 15
    assert client.patch(url, {"grace_minutes": 24 * 60 + 1}, format="json").status_code == 400
    assert client.patch(url, {"grace_minutes": -1}, format="json").status_code == 400


# --- the arrival stored and shown --------------------------------------------------------------


def test_the_arrival_is_shown_to_organisers_and_exported(
    trusted, organiser, applicant, ready_application, deadline, time_machine
):
    arrived = deadline - timedelta(minutes=2)
    time_machine.move_to(deadline + timedelta(minutes=1), tick=False)
    api_submit(applicant, ready_application, REMOTE_ADDR=PROXY, HTTP_X_REQUEST_START=stamp(arrived))
    client = APIClient()
    client.force_authenticate(organiser)
    body = client.get(f"/api/v1/applications/{ready_application.pk}/").json()
    assert body["state"] == S.SUBMITTED
    assert (
        datetime.fromisoformat(body["arrived_at"]) < deadline < datetime.fromisoformat(body["submitted_at"])
    )
    web = Client()
    web.force_login(organiser)
    page = web.get(reverse("applications:screening_detail", args=[ready_application.pk])).content.decode()
    assert 'id="arrived-at"' in page
    local = ready_application.contest.local(arrived)
    assert f"{local:%H:%M}" in page
    export = web.get(reverse("applications:export", args=[ready_application.contest_id, "csv"]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Arrived (Europe/Kyiv)" in text
    assert f"{local:%Y-%m-%d %H:%M}" in text

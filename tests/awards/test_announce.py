"""Announcement: applications awarded or not, every applicant told once, results public only now,
the score matrix published and verifiable."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from applications.models import Application
from awards import services
from awards.models import Decision, Diploma, PublishedResults
from contests.models import Contest
from notifications.models import Message
from notifications.rendering import render

pytestmark = pytest.mark.django_db


def _announce(finished, *, release_comments: bool = False) -> Contest:
    a1, a2, _ = finished.ranked(finished.a)
    b1, _, _ = finished.ranked(finished.b)
    finished.winner(a1)
    finished.winner(a2)
    finished.winner(b1)
    services.update_settings(
        finished.contest, release_comments=release_comments, signatory_name="Олена Вигадана"
    )
    services.decide(finished.contest, by=finished.organiser)
    return services.announce(Contest.objects.get(pk=finished.contest.pk), by=finished.second)


def test_nothing_public_before_the_announcement(finished, client, api):
    finished.winner(finished.ranked(finished.a)[0])
    services.decide(finished.contest, by=finished.organiser)
    member = finished.members[finished.applications[0].pk]
    for user in (None, member):
        if user:
            client.force_login(user)
        assert client.get(f"/results/{finished.contest.pk}/").status_code == 404
        assert client.get(f"/results/{finished.contest.pk}/scores.json").status_code == 404
        assert api(user).get(f"/api/v1/results/{finished.contest.pk}/").status_code == 404
    assert api(member).get("/api/v1/award-decisions/").json()["count"] == 0
    assert api(finished.second).get("/api/v1/award-decisions/").json()["count"] == 1
    assert not Diploma.objects.exists()


def test_announcement_awards_and_tells_every_applicant_once(finished):
    contest = _announce(finished)
    assert contest.state == Contest.State.ANNOUNCED
    winners = set(Decision.objects.filter(state="approved").values_list("application_id", flat=True))
    states = dict(Application.objects.filter(contest=contest).values_list("pk", "state"))
    assert {pk for pk, state in states.items() if state == Application.State.AWARDED} == winners
    assert all(states[pk] == Application.State.NOT_AWARDED for pk in states if pk not in winners)
    for application in finished.applications:
        inbox = Message.objects.filter(user=finished.members[application.pk], channel=Message.Channel.INAPP)
        assert inbox.count() == 1
        expected = "awards.awarded" if application.pk in winners else "awards.not_awarded"
        assert inbox.get().event == expected
        assert inbox.get().context["comments"] == []  # not released by this contest
    places = sorted(Decision.objects.filter(nomination=finished.a).values_list("place", flat=True))
    assert places == [1, 2]
    assert Diploma.objects.count() == 3


def test_comments_released_anonymously_when_the_contest_allows(finished):
    _announce(finished, release_comments=True)
    application = finished.applications[1]
    message = Message.objects.get(user=finished.members[application.pk], channel=Message.Channel.INAPP)
    comments = message.context["comments"]
    assert len(comments) == 2
    assert {c["juror"] for c in comments} <= {1, 2, 3}
    assert all("Коментар 1-" in c["text"] and "Загалом" in c["text"] for c in comments)
    assert all(juror.user.full_name not in json.dumps(message.context) for juror in finished.jurors)
    rendered = render(message.event, "en", message.context)
    assert "Juror " in rendered.text and "Коментар 1-" in rendered.text


def test_public_results_page_after_announcement(finished, client):
    _announce(finished)
    page = client.get(f"/results/{finished.contest.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    winner = Decision.objects.filter(state="approved").select_related("application__organisation").first()
    assert winner.application.organisation.name in text
    assert "За сміливі е-послуги" in text
    published = PublishedResults.objects.get(contest=finished.contest)
    assert published.sha256 in text
    download = client.get(f"/results/{finished.contest.pk}/scores.json")
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == published.sha256


def _published_file(finished, tmp_path) -> Path:
    _announce(finished)
    published = PublishedResults.objects.get(contest=finished.contest)
    path = tmp_path / "results.json"
    with published.file.open("rb") as source:
        path.write_bytes(source.read())
    return path


def test_score_matrix_is_anonymous(finished, tmp_path):
    document = json.loads(_published_file(finished, tmp_path).read_text())
    assert document["jurors"] == ["J1", "J2", "J3"]
    text = json.dumps(document, ensure_ascii=False)
    for juror in finished.jurors:
        assert juror.user.full_name not in text
    assert len(document["scores"]) == 12
    assert document["aggregation"]["method"] == "calibrated"
    assert {c["weight"] for c in document["criteria"]} == {"2.00", "1.00"}


def test_verify_results_confirms_a_published_file(finished, tmp_path, capsys):
    call_command("verify_results", str(_published_file(finished, tmp_path)))
    out = capsys.readouterr().out
    assert out.startswith("OK: the published ranking of 6 applications")


def test_verify_results_finds_a_changed_score(finished, tmp_path):
    path = _published_file(finished, tmp_path)
    document = json.loads(path.read_text())
    last = document["ranking"][-1]["application"]
    for row in document["scores"]:
        if row["application"] == last:
            row["criteria"] = {key: 10 if key in ("1", "2") else 5 for key in row["criteria"]}
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="First difference: "):
        call_command("verify_results", str(path))


def test_verify_results_finds_a_changed_ranking(finished, tmp_path):
    path = _published_file(finished, tmp_path)
    document = json.loads(path.read_text())
    document["ranking"][0]["score"] += 0.5
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError, match="score is"):
        call_command("verify_results", str(path))


def test_verify_results_exit_code(finished, tmp_path):
    path = _published_file(finished, tmp_path)
    document = json.loads(path.read_text())
    document["ranking"][0], document["ranking"][1] = document["ranking"][1], document["ranking"][0]
    path.write_text(json.dumps(document))
    # The command reads the file only: no database is needed, so a plain subprocess can run it.
    done = subprocess.run(
        [sys.executable, "manage.py", "verify_results", str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LANGUAGE_CODE": "en"},  # the default interface language is Ukrainian
    )
    assert done.returncode != 0
    assert "Position 1" in done.stderr

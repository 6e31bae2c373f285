"""Certificates of participation and letters of thanks: issued in bulk after the announcement
(idempotent, with progress), each a PDF with a code the verification page accepts, downloaded by
its holder and the organisers only."""

import pytest

from awards import certificates
from awards.models import Diploma, IssueRun
from notifications.models import Message
from tests.awards4.conftest import announce
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/issue-runs/"


@pytest.fixture
def issue(django_capture_on_commit_callbacks):
    """Start a run and let its task run, as it does after the commit in embedded mode."""

    def start(contest, kind, *, by):
        with django_capture_on_commit_callbacks(execute=True):
            return certificates.start_issue(contest, kind, by=by)

    return start


DOCUMENTS = "/api/v1/award-documents/"


def test_before_the_announcement_a_run_is_409_and_nothing_issued(api, finished):
    response = api(finished.organiser).post(
        RUNS, {"contest": finished.contest.pk, "kind": "participation"}, format="json"
    )
    assert response.status_code == 409
    assert "after the results are announced" in response.json()["detail"]
    assert not IssueRun.objects.exists()
    assert not Diploma.objects.filter(kind=Diploma.Kind.PARTICIPATION).exists()


def test_participation_run_issues_one_per_applicant_reports_progress_and_is_idempotent(
    api, finished, django_capture_on_commit_callbacks
):
    contest = announce(finished)
    client = api(finished.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(RUNS, {"contest": contest.pk, "kind": "participation"}, format="json")
    assert started.status_code == 202, started.json()
    run = started.json()
    applicants = len(finished.applications)
    assert run["total"] == applicants
    progress = client.get(f"{RUNS}{run['id']}/").json()
    assert progress["state"] == "done" and progress["done"] == applicants and progress["percent"] == 100
    assert Diploma.objects.filter(kind=Diploma.Kind.PARTICIPATION).count() == applicants
    # Every library's member heard of it.
    member = finished.members[finished.applications[0].pk]
    told = Message.objects.filter(event="awards.document_issued", user=member).count()
    assert told

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(RUNS, {"contest": contest.pk, "kind": "participation"}, format="json")
    assert again.status_code == 202
    assert Diploma.objects.filter(kind=Diploma.Kind.PARTICIPATION).count() == applicants
    assert Message.objects.filter(event="awards.document_issued", user=member).count() == told


def test_run_in_small_chunks_records_progress(finished):
    contest = announce(finished)
    run = IssueRun.objects.create(contest=contest, kind=IssueRun.Kind.PARTICIPATION, total=6)
    run = certificates.run_issue(run.pk, chunk=4)
    assert run.state == IssueRun.State.DONE and run.done == 6


def test_a_second_run_while_one_runs_is_409(api, finished):
    contest = announce(finished)
    IssueRun.objects.create(contest=contest, kind=IssueRun.Kind.THANKS, total=3)
    response = api(finished.organiser).post(RUNS, {"contest": contest.pk, "kind": "thanks"}, format="json")
    assert response.status_code == 409
    assert IssueRun.objects.count() == 1


def test_thanks_letters_go_to_jurors_who_submitted_and_they_alone_download(api, client, finished, issue):
    contest = announce(finished)
    silent = UserFactory(full_name="Суддя Мовчазний")
    from review import services as review_services

    review_services.add_juror(contest, user=silent, by=finished.organiser)
    run = issue(contest, IssueRun.Kind.THANKS, by=finished.organiser)
    run.refresh_from_db()
    letters = Diploma.objects.filter(kind=Diploma.Kind.THANKS)
    assert run.state == IssueRun.State.DONE and letters.count() == 3 == run.total
    assert not letters.filter(juror__user=silent).exists()

    letter = letters.select_related("juror__user").first()
    juror = letter.juror.user
    assert api(juror).get(f"{DOCUMENTS}{letter.pk}/pdf/").content.startswith(b"%PDF")
    other = letters.exclude(pk=letter.pk).first().juror.user
    assert api(other).get(f"{DOCUMENTS}{letter.pk}/pdf/").status_code == 404
    client.force_login(other)
    assert client.get(f"/awards/diplomas/{letter.pk}/").status_code == 404
    page = client.get(f"/diplomas/verify/{letter.code}/").content.decode()
    assert f"Letter of thanks issued to {juror.full_name}" in page


def test_holders_download_their_own_and_organisers_all(api, client, finished, issue):
    contest = announce(finished)
    issue(contest, IssueRun.Kind.PARTICIPATION, by=finished.organiser)
    mine, theirs = finished.applications[0], finished.applications[1]
    member = finished.members[mine.pk]
    certificate = Diploma.objects.get(kind=Diploma.Kind.PARTICIPATION, application=mine)
    foreign = Diploma.objects.get(kind=Diploma.Kind.PARTICIPATION, application=theirs)

    listed = api(member).get(DOCUMENTS, {"kind": "participation"}).json()["results"]
    assert [row["id"] for row in listed] == [certificate.pk]
    response = api(member).get(f"{DOCUMENTS}{certificate.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert api(member).get(f"{DOCUMENTS}{foreign.pk}/pdf/").status_code == 404
    assert api(member).get(f"{DOCUMENTS}{foreign.pk}/").status_code == 404
    assert api().get(DOCUMENTS).status_code in (401, 403)
    all_of_them = api(finished.organiser).get(DOCUMENTS, {"contest": contest.pk}).json()["count"]
    assert all_of_them == Diploma.objects.filter(contest=contest).count()

    client.force_login(member)
    assert client.get(f"/awards/diplomas/{certificate.pk}/").status_code == 200
    assert client.get(f"/awards/diplomas/{foreign.pk}/").status_code == 404
    own_page = client.get("/awards/my-documents/").content.decode()
    assert certificate.code in own_page and foreign.code not in own_page
    application_page = client.get(f"/applications/{mine.pk}/").content.decode()
    assert certificate.code in application_page

    verified = client.get(f"/diplomas/verify/{certificate.code}/").content.decode()
    assert (
        f"Certificate of participation issued to {mine.organisation.name} for the contest “{contest.title}”"
        in verified.replace("&quot;", '"')
    )


def test_pdf_carries_its_code(api, finished, issue):
    contest = announce(finished)
    issue(contest, IssueRun.Kind.PARTICIPATION, by=finished.organiser)
    certificate = Diploma.objects.filter(kind=Diploma.Kind.PARTICIPATION).first()
    from awards.diplomas import pdf

    document = pdf(certificate)
    from tests.pdf import inflated

    assert document.startswith(b"%PDF")
    assert len(inflated(document)) > len(document)


def test_web_issue_button_and_progress(client, finished, django_capture_on_commit_callbacks):
    contest = announce(finished)
    client.force_login(finished.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/awards/contests/{contest.pk}/issue/thanks/")
    assert response.status_code == 302
    run = IssueRun.objects.get()
    assert run.state == IssueRun.State.DONE
    progress = client.get(f"/awards/issue-runs/{run.pk}/").content.decode()
    assert f"{run.done} of {run.total} issued" in progress
    page = client.get(f"/awards/contests/{contest.pk}/special/").content.decode()
    assert "Issue participation certificates" in page
    # The chair sees the page but may not issue.
    client.force_login(finished.chair)
    assert client.post(f"/awards/contests/{contest.pk}/issue/participation/").status_code == 403
    assert IssueRun.objects.count() == 1


def test_document_list_query_count_is_flat(api, finished, count_queries, issue):
    contest = announce(finished)
    client = api(finished.organiser)
    one = count_queries(lambda: client.get(DOCUMENTS))
    issue(contest, IssueRun.Kind.PARTICIPATION, by=finished.organiser)
    issue(contest, IssueRun.Kind.THANKS, by=finished.organiser)
    assert Diploma.objects.count() > 6
    assert count_queries(lambda: client.get(DOCUMENTS)) == one
    runs_one = count_queries(lambda: client.get(RUNS))
    IssueRun.objects.create(contest=contest, kind=IssueRun.Kind.PARTICIPATION, state="done")
    assert count_queries(lambda: client.get(RUNS)) == runs_one

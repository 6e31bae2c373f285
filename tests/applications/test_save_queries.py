"""The work of saving answers (PATCH /api/v1/applications/<id>/): one scoped load that is also the
locked read, one permission check (answered by that load) and one write, the response built from
what is in hand. Its query count stays flat however many files and categories the application has.

Before: 14 statements here (15 in production with the connection's own), the application with its
files and categories loaded twice, membership asked three times.
"""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import services
from contests.models import FormField
from tests.applications.conftest import REQUIRED_ANSWERS, pdf_upload
from tests.factories import CategoryFactory, ClassifierFactory, FormFieldFactory
from tests.problems import errors_under

# The scoped load, which is also the locked read (the row with the caller's roles, its files, its
# categories), the form's questions, the UPDATE.
SAVE_QUERIES = 5


def statements(fn) -> tuple[int, object]:
    """The SQL statements fn runs, without the savepoints a test's transaction adds (in
    production that transaction is a BEGIN/COMMIT the driver sends)."""
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    return len(sql), result


def with_files_and_categories(application, applicant, files: int, categories: int):
    contest = application.contest
    for i in range(files):
        key = "plan" if i == 0 else f"file{i}"
        if i:
            FormFieldFactory(
                contest=contest, key=key, field_type=FormField.Type.FILE, required=False, order=100 + i
            )
        services.add_attachment(application, field_key=key, upload=pdf_upload(f"{key}.pdf"), by=applicant)
    classifier = ClassifierFactory()
    contest.classifiers.add(classifier)
    application.categories.set([CategoryFactory(classifier=classifier) for _ in range(categories)])
    return application


@pytest.mark.parametrize(("files", "categories"), [(1, 1), (6, 5)])
def test_saving_answers_costs_a_flat_few_queries(api, application, applicant, files, categories):
    with_files_and_categories(application, applicant, files, categories)
    client = api(applicant)
    path = f"/api/v1/applications/{application.pk}/"

    count, response = statements(lambda: client.patch(path, {"answers": REQUIRED_ANSWERS}, format="json"))

    assert response.status_code == 200, response.content
    assert count <= SAVE_QUERIES
    body = response.json()
    # Built from what is in hand, and still whole: the saved answers, every file and category,
    # the steps the caller may take.
    assert body["answers"] == REQUIRED_ANSWERS
    assert len(body["attachments"]) == files
    assert len(body["categories"]) == categories
    assert body["allowed_transitions"] == ["submit", "withdraw"]
    application.refresh_from_db()
    assert application.answers == REQUIRED_ANSWERS
    assert datetime.fromisoformat(body["updated_at"]) == application.updated_at


def test_refused_answers_cost_no_second_pass(api, application, applicant):
    """A refused answer beside valid ones: still one locked read and one write."""
    with_files_and_categories(application, applicant, 1, 1)
    client = api(applicant)
    path = f"/api/v1/applications/{application.pk}/"

    count, response = statements(
        lambda: client.patch(path, {"answers": {**REQUIRED_ANSWERS, "number": "багато"}}, format="json")
    )

    assert response.status_code == 400
    assert set(errors_under(response, "answers")) == {"number"}
    assert count <= SAVE_QUERIES
    application.refresh_from_db()
    assert application.answers == REQUIRED_ANSWERS  # the valid ones were saved


def test_new_categories_are_answered_as_saved(api, application, applicant):
    with_files_and_categories(application, applicant, 1, 2)
    chosen = CategoryFactory(classifier=application.contest.classifiers.get())
    response = api(applicant).patch(
        f"/api/v1/applications/{application.pk}/", {"categories": [chosen.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["categories"] == [chosen.pk]


def test_the_scoped_load_answers_for_its_caller_only(application, applicant, outsider):
    """The roles loaded with an application are its caller's: another user is asked for."""
    from applications.selectors import applications_visible_to, with_caller_roles

    loaded = with_caller_roles(applications_visible_to(applicant), applicant).get(pk=application.pk)
    assert applicant.has_perm("applications.change_application", loaded)
    assert not outsider.has_perm("applications.change_application", loaded)
    count, allowed = statements(lambda: applicant.has_perm("applications.submit_application", loaded))
    assert allowed and count == 0


@pytest.mark.parametrize("state", ["draft", "submitted", "ineligible"])
def test_the_hand_built_body_is_the_serializers_own(
    api, application, applicant, organiser, state, monkeypatch
):
    """ApplicationSerializer builds its body by hand (no field-by-field walk): it must be the
    very body its declared fields give, which is what the schema describes."""
    from rest_framework import serializers

    from applications.api.serializers import ApplicationSerializer

    with_files_and_categories(application, applicant, 2, 2)
    services.save_answers(application, answers=REQUIRED_ANSWERS, by=applicant)
    if state != "draft":
        services.submit_application(application, by=applicant)
    if state == "ineligible":
        application.refresh_from_db()
        services.mark_ineligible(application, by=organiser, reason="late", note="Пізно")
    for caller in (applicant, organiser):
        path = f"/api/v1/applications/{application.pk}/"
        fast = api(caller).get(path).json()
        with monkeypatch.context() as m:
            m.setattr(
                ApplicationSerializer, "to_representation", serializers.ModelSerializer.to_representation
            )
            generic = api(caller).get(path).json()
        assert fast == generic
        assert list(fast) == list(generic)  # the same keys in the same order


# The scoped load, which is also the locked read (row, files, categories), the questions, the
# state log, the UPDATE (state and number together), the revision's number and row, the members,
# the receipt, the webhooks… No second read of the row or its files under the lock, no second
# UPDATE for the number, no re-read for the response (17, then 13 before).
SUBMIT_QUERIES = 11


def test_submitting_answers_from_what_the_step_wrote(api, application, applicant):
    with_files_and_categories(application, applicant, 2, 1)
    services.save_answers(application, answers=REQUIRED_ANSWERS, by=applicant)
    client = api(applicant)

    count, response = statements(lambda: client.post(f"/api/v1/applications/{application.pk}/submit/"))

    assert response.status_code == 200, response.content
    assert count <= SUBMIT_QUERIES, count
    body = response.json()
    application.refresh_from_db()
    assert body["state"] == "submitted" and body["number"] == application.number != ""
    assert body["version"] == application.version
    assert len(body["attachments"]) == 2 and len(body["categories"]) == 1
    assert body["allowed_transitions"] == ["withdraw"]


def test_the_saving_load_is_scoped_by_a_join_not_subqueries(api, application, applicant):
    """Saving answers is the members' alone: the locked load is scoped by the membership join,
    which is also the permission check; no Exists() subquery is compiled per request (the
    caller's organiser role comes as one plain SQL condition)."""
    client = api(applicant)
    with CaptureQueriesContext(connection) as ctx:
        response = client.patch(
            f"/api/v1/applications/{application.pk}/", {"answers": REQUIRED_ANSWERS}, format="json"
        )
    assert response.status_code == 200, response.content
    locked = [q["sql"] for q in ctx.captured_queries if "FOR UPDATE" in q["sql"].upper()]
    assert len(locked) == 1 or connection.vendor == "sqlite"  # SQLite has no FOR UPDATE
    load = next(q["sql"] for q in ctx.captured_queries if 'FROM "applications_application"' in q["sql"])
    assert "accounts_membership" in load
    assert load.upper().count("EXISTS") == 1  # the caller's organiser role, as plain SQL


@pytest.mark.parametrize(("who", "status"), [("organiser", 403), ("outsider", 404), ("nobody", 404)])
def test_only_members_save_and_others_learn_no_more_than_they_may_see(
    api, application, applicant, organiser, outsider, who, status
):
    """An organiser of the contest sees the draft exists and is refused (403); someone who may not
    see it gets 404, as for an id that does not exist. Nothing is saved either way."""
    application.answers = REQUIRED_ANSWERS
    application.save(update_fields=["answers"])
    caller = {"organiser": organiser, "outsider": outsider, "nobody": outsider}[who]
    pk = application.pk if who != "nobody" else application.pk + 1000
    response = api(caller).patch(f"/api/v1/applications/{pk}/", {"answers": {"short": "інше"}}, format="json")
    assert response.status_code == status, response.content
    if status == 403:
        assert "members" in response.json()["detail"]
    application.refresh_from_db()
    assert application.answers == REQUIRED_ANSWERS


def test_submitting_locks_the_members_scoped_load_and_reads_it_once(api, application, applicant):
    with_files_and_categories(application, applicant, 2, 1)
    services.save_answers(application, answers=REQUIRED_ANSWERS, by=applicant)
    with CaptureQueriesContext(connection) as ctx:
        response = api(applicant).post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 200, response.content
    loads = [
        q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "applications_application"')
    ]
    assert len(loads) == 1, loads
    assert "accounts_membership" in loads[0] and loads[0].upper().count("EXISTS") == 1
    assert not [q for q in ctx.captured_queries if 'FROM "contests_contestrole"' in q["sql"]]
    files = [q for q in ctx.captured_queries if 'FROM "applications_attachment"' in q["sql"]]
    assert len(files) == 1


def test_a_refused_submission_leaves_nothing_behind(api, application, applicant):
    """The step's transaction is the view's now: a refusal (409) must still roll back."""
    from applications.models import Revision
    from core.fsm import history

    response = api(applicant).post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 409, response.content
    assert "submit" not in response.json().get("allowed_transitions", [])
    application.refresh_from_db()
    assert application.state == "draft" and not application.number
    assert not Revision.objects.filter(application=application).exists()
    assert not list(history(application))


def test_an_organiser_cannot_submit_for_the_applicant(api, application, applicant, organiser):
    services.save_answers(application, answers=REQUIRED_ANSWERS, by=applicant)
    response = api(organiser).post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 403, response.content
    application.refresh_from_db()
    assert application.state == "draft"


def _reads_of_unloaded_columns(captured: list[dict]) -> list[str]:
    """Statements that fetch what the members' load leaves out (a deferred field read on demand)."""
    from applications.selectors import NOT_LOADED_FOR_MEMBERS

    tables = {"contest": "contests_contest", "nomination": "contests_nomination"}
    columns = [
        f'"{tables[relation]}"."{column}"'
        for relation, column in (name.split("__") for name in NOT_LOADED_FOR_MEMBERS)
    ]
    return [q["sql"] for q in captured if any(column in q["sql"] for column in columns)]


def test_saving_and_submitting_never_read_the_calls_long_texts(api, ready_application, applicant, organiser):
    """The members' load leaves out the call's regulations and the like (applications.selectors
    NOT_LOADED_FOR_MEMBERS): saving, submitting and resubmitting after a return for correction
    never come back for them one field at a time."""
    from datetime import timedelta

    from core import clock

    application = ready_application
    contest = application.contest
    contest.regulations = "Положення про конкурс. " * 2000
    contest.save()
    client = api(applicant)
    path = f"/api/v1/applications/{application.pk}/"
    with CaptureQueriesContext(connection) as ctx:
        saved = client.patch(path, {"answers": REQUIRED_ANSWERS}, format="json")
        submitted = client.post(f"{path}submit/")
    assert (saved.status_code, submitted.status_code) == (200, 200), submitted.content
    application.refresh_from_db()
    services.return_application(
        application, by=organiser, note="Додайте кошторис", correct_by=clock.now() + timedelta(days=3)
    )
    with CaptureQueriesContext(connection) as again:
        corrected = client.patch(path, {"answers": {"short": "Виправлено"}}, format="json")
        resubmitted = client.post(f"{path}submit/")
    assert (corrected.status_code, resubmitted.status_code) == (200, 200), resubmitted.content
    assert _reads_of_unloaded_columns(ctx.captured_queries + again.captured_queries) == []
    loads = [q["sql"] for q in ctx.captured_queries if '"contests_contest"."title"' in q["sql"]]
    assert loads  # the members' load reads the contest with the application

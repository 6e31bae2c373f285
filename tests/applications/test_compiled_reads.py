"""Queries compiled once per process (core.compiled): the same rows and objects the queryset
gives, no compilation after the first call, each thread on its own connection; and the hot
paths of saving answers and submitting compile no read at all once warm."""

import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.models import IntegerField, Value
from django.db.models.sql.compiler import SQLCompiler
from psycopg.pq import PipelineStatus
from rest_framework.test import APIClient

from accounts import tokens
from applications import services
from applications.models import Application
from applications.selectors import (
    _APPLICATION,
    _ATTACHMENTS,
    _CALLER,
    _CATEGORIES,
    _OF_MEMBER,
    _QUESTIONS_OF_APPLICATION,
    _REVISION_NUMBERS,
    locked_for_member,
    questions_for,
)
from core.compiled import Compiled, _swap, objects_together
from tests.applications.conftest import REQUIRED_ANSWERS
from tests.applications.test_save_queries import with_files_and_categories
from tests.factories import OrganisationFactory
from tests.races import run_together

_ORGANISATION, _LABEL = -11, "«stand-in»"


@pytest.fixture
def compilations(monkeypatch):
    """How many SELECTs the ORM compiles (SQLCompiler.as_sql; writes have their own compilers)."""
    calls = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        if type(self) is SQLCompiler or type(self).__name__ == "SQLCompiler":
            calls.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return calls


def _applications() -> Compiled:
    return Compiled(
        lambda: (
            Application.objects.filter(organisation_id=_ORGANISATION)
            .exclude(title=_LABEL)
            .select_related("organisation", "contest")
            .annotate(marker=Value(_ORGANISATION, output_field=IntegerField()))
            .order_by("pk")
        )
    )


def test_objects_are_the_querysets_own_and_compiled_once(application, compilations):
    compiled = _applications()
    values = {_ORGANISATION: application.organisation_id, _LABEL: "не ця назва"}

    first = compiled.objects(values)
    compiled_first = len(compilations)
    again = compiled.objects(values)

    assert compiled_first == 1 and len(compilations) == 1  # the second call compiled nothing
    expected = list(
        Application.objects.filter(organisation_id=application.organisation_id).select_related(
            "organisation", "contest"
        )
    )
    for found in (first, again):
        assert [a.pk for a in found] == [a.pk for a in expected] == [application.pk]
        loaded = found[0]
        assert loaded.marker == application.organisation_id  # the stand-in in the SELECT list too
        assert loaded.answers == expected[0].answers and loaded.state == expected[0].state
        assert loaded._state.fields_cache["organisation"].name == application.organisation.name
        assert loaded._state.fields_cache["contest"].pk == application.contest_id
    # A stand-in string is swapped like an id: the excluded title leaves no row.
    assert compiled.objects({_ORGANISATION: application.organisation_id, _LABEL: application.title}) == []


def test_a_typed_integer_keeps_its_type_when_swapped():
    class Int4(int):  # psycopg's typed integer, as a Value() in a SELECT list comes on PostgreSQL
        pass

    swapped = _swap([Int4(-1), -1, True, "«a»", "other", None, 2.5], {-1: 7, "«a»": "b"})
    assert swapped == [7, 7, True, "b", "other", None, 2.5]
    assert type(swapped[0]) is Int4 and type(swapped[1]) is int and swapped[2] is True


def test_locked_for_member_refuses_what_is_no_id_or_not_theirs(application, applicant, outsider):
    with transaction.atomic():
        for pk in ("abc", None, 0, -2, 2**63, application.pk + 1000):
            assert locked_for_member(applicant, pk) is None
        assert locked_for_member(outsider, application.pk) is None
        found = locked_for_member(applicant, str(application.pk))
    assert found.pk == application.pk and found.caller_is_member and found.caller_pk == applicant.pk


def test_locked_for_member_brings_files_and_categories(application, applicant, django_assert_num_queries):
    with_files_and_categories(application, applicant, 3, 2)
    with transaction.atomic():
        loaded = locked_for_member(applicant, application.pk)
        with django_assert_num_queries(0):
            files = list(loaded.attachments.all())
            categories = list(loaded.categories.all())
            assert all(f.application is loaded for f in files)
    assert [f.pk for f in files] == list(
        application.attachments.order_by("field_key", "pk").values_list("pk", flat=True)
    )
    assert {c.pk for c in categories} == set(application.categories.values_list("pk", flat=True))


def test_saving_and_submitting_compile_no_read_once_warm(application, applicant, compilations):
    """Token, scoped load, files, categories, questions, the revision's number, the receipt's
    recipients, the webhooks listening: every read of a save and a submission is compiled once
    per process (the writes are not reads). Warmed by one application, measured on another."""
    other = OrganisationFactory()
    other.memberships.create(user=applicant, is_admin=True)
    second = services.start_application(
        organisation=other,
        contest=application.contest,
        nomination=application.nomination,
        title="Друга заявка",
        by=applicant,
    )
    _token, key = tokens.issue(applicant, name="форма", verified=True)
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}")
    for draft, warm in ((application, True), (second, False)):
        with_files_and_categories(draft, applicant, 1, 1)
        path = f"/api/v1/applications/{draft.pk}/"
        compilations.clear()
        saved = client.patch(path, {"answers": REQUIRED_ANSWERS}, format="json")
        assert saved.status_code == 200, saved.content
        assert warm or compilations == []
        submitted = client.post(f"{path}submit/")
        assert submitted.status_code == 200, submitted.content
        assert warm or compilations == [], compilations
        assert Application.objects.get(pk=draft.pk).state == Application.State.SUBMITTED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_thread_runs_a_compiled_query_on_its_own_connection(application):
    compiled = _applications()
    values = {_ORGANISATION: application.organisation_id, _LABEL: ""}
    compiled.objects(values)  # compiled here, on this thread's connection

    def read() -> tuple[int, list[int]]:
        return id(connections[DEFAULT_DB_ALIAS]), [a.pk for a in compiled.objects(values)]

    results = run_together(read, read, read)
    assert all(not isinstance(r, Exception) for r in results), results
    assert {pks for _conn, pks in ((c, tuple(p)) for c, p in results)} == {(application.pk,)}
    assert len({conn for conn, _pks in results} | {id(connections[DEFAULT_DB_ALIAS])}) == 4


@pytest.mark.postgres
def test_repeated_statements_are_prepared_on_postgresql(application):
    """Parameters go apart from the SQL, and a statement run five times on a connection is
    prepared (config/settings.py): PostgreSQL stops planning it again."""
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    for _ in range(6):
        list(Application.objects.filter(pk=application.pk).values_list("title", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"applications_application"."title"' in sql for sql in prepared), prepared


@pytest.mark.postgres
def test_a_statement_with_more_parameters_than_the_protocol_carries_still_runs(application):
    """Server-side binding carries at most 65,535 parameters a statement: a longer IN list goes
    with its values inlined (core/pg_cursor.py) instead of failing."""
    ids = [application.pk, *range(10**9, 10**9 + 70_000)]
    assert list(Application.objects.filter(pk__in=ids).values_list("pk", flat=True)) == [application.pk]


# --- reads together: one round trip (core.compiled.objects_together) --------------------------


def _together_calls(application) -> list:
    return [
        (_OF_MEMBER, {_CALLER: application.created_by_id, _APPLICATION: application.pk}),
        (_ATTACHMENTS, {_APPLICATION: application.pk}),
        (_CATEGORIES, {_APPLICATION: application.pk}),
        (_QUESTIONS_OF_APPLICATION, {_APPLICATION: application.pk}),
        (_REVISION_NUMBERS, {_APPLICATION: application.pk}),  # a flat values_list, and no rows
    ]


def test_reads_together_give_what_each_gives_alone(application, applicant):
    with_files_and_categories(application, applicant, 2, 2)
    calls = _together_calls(application)
    with transaction.atomic():
        together = objects_together(calls)
        alone = [compiled.objects(values) for compiled, values in calls]

    assert [len(rows) for rows in together] == [len(rows) for rows in alone] == [1, 2, 2, len(alone[3]), 0]
    assert len(alone[3]) == len(questions_for(application)) > 3  # the form, found by the id alone
    for rows_together, rows_alone in zip(together, alone, strict=True):
        assert [type(r) for r in rows_together] == [type(r) for r in rows_alone]
        assert [getattr(r, "pk", r) for r in rows_together] == [getattr(r, "pk", r) for r in rows_alone]
    loaded, expected = together[0][0], alone[0][0]
    assert loaded.caller_is_member and loaded.caller_pk == applicant.pk
    assert loaded.answers == expected.answers and loaded.submitted_at == expected.submitted_at
    assert loaded._state.fields_cache["contest"].title == application.contest.title
    assert [q.key for q in together[3]] == [q.key for q in questions_for(application)]


def test_the_load_brings_the_form_until_the_nomination_changes(
    application, applicant, django_assert_num_queries
):
    with transaction.atomic():
        loaded = locked_for_member(applicant, application.pk)
        with django_assert_num_queries(0):
            form = questions_for(loaded)
        assert [q.key for q in form] == [q.key for q in questions_for(Application.objects.get(pk=loaded.pk))]
        loaded.nomination_id = None  # another form: read again, not answered from the load
        with django_assert_num_queries(1):
            questions_for(loaded)


@pytest.mark.postgres
def test_reads_together_go_in_one_pipeline_on_postgresql(application):
    """Every statement is sent while psycopg's pipeline is on: one round trip for all."""
    calls = _together_calls(application)
    states = []

    def spy(execute, sql, params, many, context):
        states.append(connection.connection.pgconn.pipeline_status)
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(spy):
        objects_together(calls)
    assert len(states) == len(calls) and all(state != PipelineStatus.OFF for state in states)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_read_refused_in_the_pipeline_raises_djangos_error_and_leaves_the_connection_usable(
    application, applicant
):
    """A colleague holds the row; our load gives up after lock_timeout: Django's OperationalError
    (what the views and the 409/503 handlers know), not psycopg's, and the next request on this
    connection works."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=application.pk)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=30)
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '50ms'")
            locked_for_member(applicant, application.pk)
    finally:
        release.set()
        holder.join(timeout=30)
    with transaction.atomic():
        assert locked_for_member(applicant, application.pk).pk == application.pk

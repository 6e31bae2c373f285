"""The API contract, checked by schemathesis (issue 16 point 10, issue 14 point 2): for an
organiser, an applicant and a juror, every operation of the OpenAPI schema gets valid and invalid
generated requests (path, query, headers, body), in-process through the test client with a real
API token, and every answer passes ALL of schemathesis' response checks: no server error, the
status code, content type, headers and body documented for it, and invalid data refused.

Path ids are drawn half from what the person can list and half as generated, so details,
sub-resources and transitions reach real rows. Each operation runs in a savepoint that is rolled
back, so a DELETE or a transition leaves the next operation the same world.

`negative_data_rejection` takes one documented option (`expected-statuses`): besides its default
4xx set, 412. A write whose If-Match is stale answers 412 before the body is read, as RFC 9110
(13.2.1) orders preconditions before the method; an invalid body with a stale version is still
refused, only with the precondition's status.

Reproducible: hypothesis is derandomized and keeps no example database. SQLite only (the
PostgreSQL pass of `make test` skips it): it proves the code, not the database.

FUZZ_CONFORMANCE=<file> also writes what the checks found there (one line per operation, status
and check), to work through a list; the test fails on them either way.
"""

from __future__ import annotations

import json
import logging
import os
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import schemathesis
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.fuzz_world import bearer, build_world, send

# Marked `fuzz`: `make test-sqlite` runs it, `make test-postgres` deselects it (once per
# `make test` is enough; the fuzzing judges the code, not the database).
pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# Generated requests per operation and person, valid and invalid ones mixed. With ~220 operations
# that is ~900 a person (hypothesis stops early where few distinct requests exist), ~2,700 in
# all; the test asserts at least MIN_CASES a person.
EXAMPLES = 4
MIN_CASES = 700
CONFORMANCE = os.environ.get("FUZZ_CONFORMANCE", "")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# The documented option of negative_data_rejection: its default statuses, and 412 (see above).
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "412", "415", "422", "428", "429", "5xx"]
# Each request carries the person's real token (fuzz_world.send), so the security schemes'
# Authorization header and session cookie are not generated (their values would be replaced).
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {"negative_data_rejection": {"expected-statuses": REJECTED}},
        "generation": {"with-security-parameters": False},
    }
)
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
    report_multiple_bugs=False,
)


@pytest.fixture
def schema():
    r = Client().get("/api/schema/", {"format": "json"})
    assert r.status_code == 200
    return schemathesis.openapi.from_dict(json.loads(r.content), config=CONFIG)


def listed_ids(client: Client, authorization: str, schema) -> dict[str, list[int]]:
    """The ids each list endpoint shows the person, by the list's path (`/api/v1/contests/`)."""
    found: dict[str, list[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET" or "{" in operation.path:
            continue
        r = client.get(operation.path, HTTP_AUTHORIZATION=authorization)
        body = r.json() if r.status_code == 200 and r["Content-Type"].startswith("application/json") else {}
        rows = body.get("results") if isinstance(body, dict) else body
        ids = [row["id"] for row in rows or [] if isinstance(row, dict) and isinstance(row.get("id"), int)]
        if ids:
            found[operation.path] = ids
    return found


def fuzzer(strategy, real: list[int], check) -> Callable[[], None]:
    """A hypothesis test drawing cases of one operation, half of them aimed at listed ids."""

    @FUZZ
    @given(data=st.data())
    def run(data) -> None:
        case = data.draw(strategy)
        if real and "id" in (case.path_parameters or {}) and data.draw(st.booleans()):
            case.path_parameters["id"] = data.draw(st.sampled_from(real))
        check(case)

    return run


def fuzz(schema, persona: str, world) -> tuple[Counter, list[str], list[str]]:
    """Run every operation for one person: (cases sent per operation, 5xx reports, what the
    checks found)."""
    user = getattr(world, persona)
    authorization = bearer(user)
    client = Client()
    ids = listed_ids(client, authorization, schema)
    sent: Counter = Counter()
    errors: list[str] = []
    conformance: list[str] = []
    found: dict[str, str] = {}  # a first example of each finding

    def check(case, label: str) -> None:
        sent[label] += 1
        try:
            response = send(client, case, authorization)
        except Exception as error:  # the test client re-raises what a view let escape: a 500
            raise AssertionError(f"{label}: {case.as_curl_command()}\n{traceback.format_exc()}") from error
        assert response.status_code < 500, f"{label}: {response.status_code} {case.as_curl_command()}"
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                conformance.append(f"{persona} {label} [{response.status_code}]: {failure.title}")
                found.setdefault(conformance[-1], f"{failure.message}\n{case.as_curl_command()}")

    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        real = ids.get(operation.path.split("{", 1)[0], [])
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        run = fuzzer(strategy, real, lambda case, label=label: check(case, label))
        with transaction.atomic():
            try:
                run()
            except Exception as error:  # ours, or hypothesis' Flaky wrapping it
                errors.append(f"{label}: {error!r}" if not isinstance(error, AssertionError) else str(error))
            transaction.set_rollback(True)
    return sent, errors, [f"{line}\n  {found[line][:600]}" for line in sorted(set(conformance))]


@contextmanager
def quiet(*names: str) -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@pytest.mark.parametrize("persona", ["organiser", "applicant", "juror"])
def test_every_answer_keeps_the_contract(persona, schema):
    world = build_world()
    with quiet("django.request", "axes"):  # thousands of expected 4xx and refused logins
        sent, errors, conformance = fuzz(schema, persona, world)
    total, operations = sum(sent.values()), len(list(schema.get_all_operations()))
    if CONFORMANCE:
        with Path(CONFORMANCE).open("a") as out:
            out.write(f"# {persona}: {total} requests over {len(sent)} of {operations} operations\n")
            out.writelines(f"{line}\n" for line in conformance)
    assert not errors, "\n\n".join(errors)
    assert not conformance, f"{len(conformance)} answers break the contract:\n" + "\n".join(conformance)
    assert len(sent) == operations, f"operations never tried: {operations - len(sent)}"
    assert total >= MIN_CASES, total

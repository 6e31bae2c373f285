"""Every operation of the OpenAPI schema × every persona (issue 16, point 9).

One world (tests/api/persona_world.py) and a table of who may do what (tests/api/persona_table.py,
written from the apps' rules). Each operation is sent as each persona, in a savepoint rolled back
afterwards so every request sees the same world. A test fails on any 5xx, on a persona the table
denies being let in (a leak), on a persona the table allows being refused, on a list showing a
persona rows it must not see, and on an operation without a row in the table (or a row without
an operation): a new endpoint must say who may use it.
"""

import re
from collections import Counter

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator

from tests.api.persona_table import (
    ALLOWED,
    BODIES,
    ID_FIELD,
    LIST_SCOPE_PERSONAS,
    PARAMETER,
    RESOURCE_OF_ID,
)
from tests.api.persona_world import PERSONAS, World, build_world

METHODS = ("get", "post", "put", "patch", "delete")
# Let in: the request passed authorisation (a 400/409/412/415/422 is the object's or the body's
# answer, not the permission's; 429 comes after DRF's permission check).
LET_IN = {200, 201, 202, 204, 400, 409, 412, 415, 422, 429}
REFUSED = {401, 403, 404, 405}


def _schema_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    )


OPERATIONS = _schema_operations()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    """Built once per module (and xdist worker) in a transaction rolled back at the end."""
    media = str(tmp_path_factory.mktemp("matrix_media"))
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast, LANGUAGE_CODE="en"),
        transaction.atomic(),
    ):
        built = build_world()
        built.ids["media"] = media
        yield built
        transaction.set_rollback(True)


def _url(path: str, world: World) -> str:
    resource = path.split("/")[3]

    def value(match: re.Match) -> str:
        name = match.group(1)
        key = RESOURCE_OF_ID[resource] if name == "id" else PARAMETER[name]
        return str(world.ids[key])

    return re.sub(r"\{(\w+)\}", value, path)


def _body(method: str, path: str, world: World) -> dict:
    body = BODIES.get((method, path), {})
    return {
        key: world.ids[value[1:-1]] if isinstance(value, str) and value.startswith("{") else value
        for key, value in body.items()
    }


def _ids(data, field: str) -> set:
    rows = data.get("results", data) if isinstance(data, dict) else data
    return {row.get(field) for row in rows if isinstance(row, dict)}


def _send(client, method: str, url: str, body: dict):
    """One request in a savepoint rolled back afterwards: the next persona sees the same world."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            response = getattr(client, method.lower())(url, body, format="json")
        transaction.set_rollback(True)
    return response


def test_every_operation_has_a_row_and_every_row_an_operation():
    operations = set(OPERATIONS)
    missing = sorted(operations - set(ALLOWED))
    stale = sorted(set(ALLOWED) - operations)
    assert not missing, f"operations without a row in tests/api/persona_table.py: {missing}"
    assert not stale, f"rows for operations the API no longer has: {stale}"
    unknown = {p.split("/")[3] for _m, p in OPERATIONS if "{id}" in p} - set(RESOURCE_OF_ID)
    assert not unknown, f"resources without a world object for {{id}}: {unknown}"
    allowed = sum(len(ALLOWED[op]) for op in OPERATIONS)
    print(
        f"persona matrix: {len(OPERATIONS)} operations × {len(PERSONAS)} personas = "
        f"{len(OPERATIONS) * len(PERSONAS)} requests; {allowed} allowed, "
        f"{len(OPERATIONS) * len(PERSONAS) - allowed} denied"
    )


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_as_every_persona(method, path, world, api, settings, db):
    if (method, path) not in ALLOWED:
        pytest.fail(f"{method} {path} has no row in tests/api/persona_table.py: say who may use it")
    settings.MEDIA_ROOT = world.ids["media"]
    url, body = _url(path, world), _body(method, path, world)
    creates = method == "POST" and "{" not in path  # the target is in the body
    problems = []
    seen = Counter()
    for persona in PERSONAS:
        cache.clear()  # throttles and lockouts count per test, not across personas
        client = api(world.people[persona])
        client.raise_request_exception = False
        response = _send(client, method, url, body)
        code = response.status_code
        allowed = persona in ALLOWED[(method, path)]
        seen[code] += 1
        if code >= 500:
            problems.append(f"{persona}: {code} (server error)")
        elif allowed and code not in LET_IN:
            problems.append(f"{persona}: {code}, but the table lets them in")
        elif not allowed and creates and 200 <= code < 300:
            problems.append(f"{persona}: {code}, created though the table denies it (leak)")
        elif not allowed and not creates and code not in REFUSED:
            problems.append(f"{persona}: {code}, but the table denies it (leak)")
        if method == "GET" and path in LIST_SCOPE_PERSONAS and code == 200:
            listed = _ids(response.json(), ID_FIELD.get(path, "id"))
            for key, viewers in LIST_SCOPE_PERSONAS[path].items():
                shown = world.ids[key] in listed
                if shown and persona not in viewers:
                    problems.append(f"{persona}: the list shows {key} {world.ids[key]} (leak)")
                elif not shown and persona in viewers:
                    problems.append(f"{persona}: the list misses {key} {world.ids[key]}")
    assert not problems, f"{method} {url} ({dict(seen)}):\n" + "\n".join(problems)

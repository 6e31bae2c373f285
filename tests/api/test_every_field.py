"""No write body loses a field (issue 15, point 9), for every serializer of the API.

1. Every body an operation reads (the request serializer of each POST/PUT/PATCH in the OpenAPI
   schema, the steps' inputs, nested ones too) and every serializer a router view set writes with
   takes core.strict.RefuseUnknownFieldsMixin: an unknown field answers 400 naming it.
2. `walk_fields` sends each writable field of a resource alone, as the persona who may change
   it: stored (read back) or refused with 400 naming it, never 200 and dropped. The other apps'
   resources are walked in tests/<app>/test_fields.py with their fixtures.
"""

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework import serializers

from accounts.models import User
from config.api_urls import router
from contests.models import Contest
from core.strict import RefuseUnknownFieldsMixin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
WRITE_METHODS = ("POST", "PUT", "PATCH")


# --- the walker, shared by the apps' tests -------------------------------------------------------


def writable_fields(serializer_class) -> list[str]:
    return [name for name, field in serializer_class().fields.items() if not field.read_only]


def walk_fields(
    client,
    url: str,
    serializer_class,
    samples: dict[str, tuple[object, object]],
    read_back: Callable[[str], object],
    *,
    method: str = "patch",
) -> dict[str, int]:
    """Send each writable field of `serializer_class` alone to `url`. `samples`: name -> (value
    sent, value `read_back(name)` then gives). Returns {name: status}; at least one is stored."""
    names = writable_fields(serializer_class)
    assert not set(names) - set(samples), f"{url}: no sample for {set(names) - set(samples)}"
    outcomes = {}
    for name in names:
        sent, stored = samples[name]
        multipart = isinstance(sent, SimpleUploadedFile)
        response = getattr(client, method)(url, {name: sent}, format="multipart" if multipart else "json")
        assert response.status_code in (200, 400), (url, name, response.status_code, response.content[:300])
        if response.status_code == 200:
            assert read_back(name) == stored, (url, name, response.json())
        else:
            assert name in response.json(), (url, name, response.json())
        outcomes[name] = response.status_code
    assert 200 in outcomes.values(), f"{url}: nothing stored, is the persona right? {outcomes}"
    return outcomes


# --- 1. every body is read strictly ------------------------------------------------------------


def _serializer_classes(serializer, seen: set | None = None) -> list[type]:
    """The serializer's class and those of the serializers nested in it (lists, children)."""
    seen = set() if seen is None else seen
    if isinstance(serializer, dict):  # {media type: serializer}
        return [c for s in serializer.values() for c in _serializer_classes(s, seen)]
    if isinstance(serializer, serializers.ListSerializer):
        return _serializer_classes(serializer.child, seen)
    cls = serializer if isinstance(serializer, type) else type(serializer)
    if cls in seen or not issubclass(cls, serializers.Serializer):
        return []
    seen.add(cls)
    instance = serializer() if isinstance(serializer, type) else serializer
    found = [cls]
    for field in instance.fields.values():
        if field.read_only:
            continue
        if isinstance(field, serializers.BaseSerializer):
            found += _serializer_classes(field, seen)
        elif isinstance(getattr(field, "child", None), serializers.BaseSerializer):
            found += _serializer_classes(field.child, seen)
    return found


def request_serializers() -> dict[str, list[str]]:
    """dotted class -> the operations whose body it reads (as the OpenAPI schema documents)."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found: dict[str, list[str]] = {}
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        if method not in WRITE_METHODS:
            continue
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        schema = view.schema
        schema.method, schema.path, schema.path_regex, schema.path_prefix = method, path, path_regex, ""
        body = schema.get_request_serializer()
        if body is None:
            continue
        for cls in _serializer_classes(body):
            found.setdefault(f"{cls.__module__}.{cls.__qualname__}", []).append(f"{method} {path}")
    return found


def router_write_serializers() -> set[type]:
    found = set()
    for _prefix, viewset, _basename in router.registry:
        for name in ("create", "update", "partial_update"):
            if hasattr(viewset, name):
                view = viewset()
                view.action, view.request, view.format_kwarg, view.kwargs = name, None, None, {}
                found.add(view.get_serializer_class())
    return found


def test_every_body_of_every_operation_is_read_strictly():
    bodies = request_serializers()
    assert len(bodies) > 50  # the walk sees the whole API, not a corner of it
    lax = {}
    for dotted, operations in bodies.items():
        module, _, name = dotted.rpartition(".")
        cls = getattr(__import__(module, fromlist=[name]), name)
        if not issubclass(cls, RefuseUnknownFieldsMixin):
            lax[dotted] = operations
    assert not lax, f"take core.strict.RefuseUnknownFieldsMixin: {lax}"
    assert not [c for c in router_write_serializers() if not issubclass(c, RefuseUnknownFieldsMixin)]


# --- 2. resources of people and organisations ------------------------------------------------------


def test_every_field_of_an_organisation_is_stored_or_refused(api, applicant):
    from accounts.api.serializers import OrganisationSerializer

    organisation = applicant.organisations.get()
    samples = {
        "name": ("Публічна бібліотека Обходу", "Публічна бібліотека Обходу"),
        "kind": ("regional_library", "regional_library"),
        "region": ("lviv", "lviv"),
        "settlement": ("Вигадане", "Вигадане"),
        "address": ("вул. Вигадана, 1", "вул. Вигадана, 1"),
        "registry_code": ("12345678", "12345678"),
        "website": ("https://library.example.org", "https://library.example.org"),
        "email": ("walk@library.example.org", "walk@library.example.org"),
        "phone": ("+380441234567", "+380441234567"),
    }

    def read_back(name: str) -> object:
        organisation.refresh_from_db()
        return getattr(organisation, name)

    url = f"/api/v1/organisations/{organisation.pk}/"
    outcomes = walk_fields(api(applicant), url, OrganisationSerializer, samples, read_back)
    assert outcomes["name"] == 200


def test_every_field_of_me_is_stored_or_refused(api):
    from accounts.api.serializers import MeSerializer

    user = UserFactory(full_name="Обхідна Користувачка")
    samples = {
        "full_name": ("Нове Вигадане Ім'я", "Нове Вигадане Ім'я"),
        "phone": ("+380501112233", "+380501112233"),
        "language": ("en", "en"),
    }

    def read_back(name: str) -> object:
        return getattr(User.objects.get(pk=user.pk), name)

    outcomes = walk_fields(api(user), "/api/v1/me/", MeSerializer, samples, read_back)
    assert set(outcomes.values()) == {200}


# --- 3. unknown fields in the bodies of actions ----------------------------------------------------


def test_a_step_refuses_an_unknown_field_and_does_not_run(api, organiser, draft_contest):
    url = f"/api/v1/contests/{draft_contest.pk}/publish/"
    for fmt in ("json", "multipart"):
        response = api(organiser).post(url, {"note": "Відкрито", "notify_everyone": "yes"}, format=fmt)
        assert response.status_code == 400, fmt
        assert "Unknown field" in response.json()["errors"]["notify_everyone"][0], response.json()
        assert Contest.objects.get(pk=draft_contest.pk).state == Contest.State.DRAFT


def test_a_step_refuses_an_unknown_field_beside_its_own(api, organiser, contest_in):
    contest = contest_in(Contest.State.PUBLISHED)
    body = {"force": True, "reopen_later": True}
    response = api(organiser).post(f"/api/v1/contests/{contest.pk}/close/", body, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["reopen_later"]
    assert Contest.objects.get(pk=contest.pk).state == Contest.State.PUBLISHED


@pytest.mark.parametrize(
    "url, body, unknown",
    [
        ("/api/v1/organisers/", {"email": "someone@example.org", "role": "admin"}, "role"),
        ("/api/v1/invitations/", {"email": "new@example.org", "role": "juror", "expires": 3}, "expires"),
        ("/api/v1/notifications/read-all/", {"everything": True}, "everything"),
    ],
)
def test_action_bodies_refuse_unknown_fields(api, staff, url, body, unknown):
    response = api(staff).post(url, body, format="json")
    assert response.status_code == 400, (url, response.content[:300])
    assert unknown in response.json()["errors"], response.json()


def test_sign_up_refuses_an_unknown_field_and_creates_no_account(api):
    before = User.objects.count()
    body = {"email": "fresh@example.org", "password": "a-long-Invented-pass-42", "is_staff": True}
    response = api().post("/api/v1/auth/sign-up/", body, format="json")
    assert response.status_code == 400 and "is_staff" in response.json()["errors"]
    assert User.objects.count() == before


def test_an_action_that_takes_no_body_refuses_a_field(api, organiser, draft_contest):
    before = draft_contest.form_fields.count()
    url = f"/api/v1/contests/{draft_contest.pk}/add-case-structure/"
    response = api(organiser).post(url, {"sections": ["costs"]}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["sections"]
    assert draft_contest.form_fields.count() == before
    assert api(organiser).post(url, format="json").status_code == 200
    assert draft_contest.form_fields.count() > before

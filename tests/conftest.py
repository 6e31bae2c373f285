import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from contests import services
from contests.models import Contest
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, grant, ready_contest


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read messages in English unless they switch; the product default stays Ukrainian."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached rankings (keyed by row ids, which SQLite reuses) never leak from one test to the next."""
    from django.core.cache import cache

    from core import site

    cache.clear()
    site.assume_empty()  # no stored site settings yet: pages ask no query for them (core.site)


@pytest.fixture(autouse=True)
def _logins_pass_the_second_factor(monkeypatch):
    """`force_login` gives a session that passed the second factor (staff, organisers and grant
    officers need it for every page); tests of the second factor use tests.two_step directly."""
    from tests import two_step

    monkeypatch.setattr(Client, "force_login", two_step.verified_force_login)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashers cost ~0.2 s per user; tests check logic, not key stretching."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded files of every test land in its own folder, never in the project's var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def organiser(db):
    return UserFactory(full_name="Організатор Тестовий")


@pytest.fixture
def other_organiser(db):
    """Organises another contest; must be able to change nothing of ours."""
    user = UserFactory()
    grant(ready_contest(), user)
    return user


@pytest.fixture
def applicant(db):
    user = UserFactory()
    OrganisationFactory().memberships.create(user=user, is_admin=True)
    return user


@pytest.fixture
def draft_contest(organiser) -> Contest:
    contest = ready_contest()
    grant(contest, organiser)
    return contest


@pytest.fixture
def published_contest(draft_contest, organiser) -> Contest:
    return services.publish_contest(draft_contest, by=organiser)


@pytest.fixture
def api():
    """api(user=None) -> an APIClient logged in as `user` (anonymous when None)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def count_queries():
    def count(fn) -> int:
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    return count


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def contest_in(organiser):
    """contest_in(state, **fields) -> a contest of `organiser`, moved to `state` via the services."""
    from tests.factories import contest_in_state

    def make(state: str, **fields) -> Contest:
        return contest_in_state(state, organiser, **fields)

    return make


@pytest.fixture
def web():
    """web(user=None) -> a Django test Client, logged in as `user` when given."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make

"""Issue 12, point 1: a way in for visitors. An open call shows "Apply" to everyone (and "Apply in
this nomination" on each nomination); the start page sends a visitor to sign up (or log in) and a
person without a library to register one, each coming back to the start with the nomination kept.
`next` is only ever followed to this site."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Organisation, User
from applications.models import Application
from tests.factories import NominationFactory, OrganisationFactory, UserFactory
from tests.sign_up import sign_up_and_confirm

pytestmark = pytest.mark.django_db


def organisation_data(**overrides):
    data = {
        "name": "Вигадана сільська бібліотека",
        "kind": Organisation.Kind.PUBLIC_LIBRARY,
        "region": "poltava",
        "settlement": "Вигадане",
        "address": "вул. Вигадана, 1",
        "registry_code": "",
        "website": "",
        "email": "vygadane@example.org",
        "phone": "+380 44 000 00 00",
    }
    data.update(overrides)
    return data


@pytest.fixture
def call(published_contest):
    """An open call with two nominations (the second is the one chosen in these tests)."""
    NominationFactory(contest=published_contest, title="Друга вигадана номінація", order=2)
    return published_contest


@pytest.fixture
def second(call):
    return call.nominations.get(title="Друга вигадана номінація")


def start_url(contest, nomination=None) -> str:
    params = {"contest": contest.pk} | ({"nomination": nomination.pk} if nomination else {})
    return f"{reverse('applications:new')}?{urlencode(params)}"


def next_of(location: str) -> str:
    return parse_qs(urlsplit(location).query)["next"][0]


# --- the public page --------------------------------------------------------------------------


def test_visitor_sees_apply_and_apply_per_nomination(web, call, second):
    html = web().get(reverse("contests:detail", args=[call.pk])).content.decode()
    assert f'href="{start_url(call)}"'.replace("&", "&amp;") in html
    assert ">Apply<" in html
    for nomination in call.nominations.all():
        assert f'href="{start_url(call, nomination)}"'.replace("&", "&amp;") in html
    assert "Apply in this nomination" in html


def test_no_apply_when_the_call_does_not_accept_applications(web, contest_in):
    closed = contest_in("closed")
    html = web().get(reverse("contests:detail", args=[closed.pk])).content.decode()
    assert reverse("applications:new") not in html
    assert "Apply in this nomination" not in html


# --- the way through ----------------------------------------------------------------------------


def test_visitor_is_sent_to_sign_up_with_the_nomination_kept(web, call, second):
    response = web().get(start_url(call, second))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:signup") + "?")
    assert next_of(response["Location"]) == start_url(call, second)


def test_visitor_on_a_closed_call_goes_back_to_the_call(web, contest_in):
    closed = contest_in("closed")
    client = web()
    response = client.get(start_url(closed), follow=True)
    assert response.redirect_chain[-1][0] == reverse("contests:detail", args=[closed.pk])
    assert "not accepting applications" in response.content.decode()


def test_visitor_cannot_start_by_posting(web, call, second):
    response = web().post(
        start_url(call), {"contest": call.pk, "organisation": 1, "nomination": second.pk, "title": "Х"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:signup"))
    assert not Application.objects.exists()


def test_unknown_nomination_is_not_carried(web, call, contest_in):
    foreign = NominationFactory(contest=contest_in("published"))
    response = web().get(f"{reverse('applications:new')}?contest={call.pk}&nomination={foreign.pk}")
    assert next_of(response["Location"]) == start_url(call)
    response = web().get(f"{reverse('applications:new')}?contest={call.pk}&nomination=x")
    assert next_of(response["Location"]) == start_url(call)


def test_sign_up_page_keeps_next_in_the_form_and_the_login_link(web, call, second):
    target = start_url(call, second)
    html = web().get(reverse("accounts:signup"), {"next": target}).content.decode()
    assert f'name="next" value="{target}"'.replace("&", "&amp;") in html
    query = f"%3Fcontest%3D{call.pk}%26nomination%3D{second.pk}"
    login_link = f"{reverse('accounts:login')}?next=/applications/new/{query}"
    assert f'href="{login_link}"' in html


def test_sign_up_then_register_library_lands_on_the_start_with_the_nomination(
    web, call, second, password, django_capture_on_commit_callbacks
):
    client = web()
    target = start_url(call, second)
    response = sign_up_and_confirm(
        client,
        {
            "email": "vygadana.bibliotekarka@example.org",
            "full_name": "Вигадана Бібліотекарка",
            "password1": password,
            "password2": password,
            "next": target,
        },
        django_capture_on_commit_callbacks,
        url=f"{reverse('accounts:signup')}?{urlencode({'next': target})}",
    )
    assert response.status_code == 302
    assert response["Location"] == target
    assert User.objects.filter(email="vygadana.bibliotekarka@example.org").exists()

    # No library yet: the start page sends the person to register one, and back.
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:organisation_new") + "?")
    assert next_of(response["Location"]) == target

    form_page = client.get(response["Location"]).content.decode()
    assert f'name="next" value="{target}"'.replace("&", "&amp;") in form_page
    response = client.post(response["Location"], {**organisation_data(), "next": target})
    assert response.status_code == 302
    assert response["Location"] == target

    html = client.get(target).content.decode()
    assert "Start an application" in html
    assert _checked(html, second.pk)


def _checked(html: str, pk: int) -> bool:
    """The radio of nomination `pk` carries `checked` (whatever the attribute order)."""
    for tag in re.findall(r"<input[^>]*name=\"nomination\"[^>]*>", html):
        if f'value="{pk}"' in tag:
            return "checked" in tag
    return False


def test_returning_user_logs_in_and_lands_on_the_start(web, call, second, password):
    user = UserFactory()
    OrganisationFactory().memberships.create(user=user, is_admin=True)
    client = web()
    target = start_url(call, second)
    login_page = client.get(reverse("accounts:login"), {"next": target}).content.decode()
    assert f'name="next" value="{target}"'.replace("&", "&amp;") in login_page
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": password, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == target
    html = client.get(target).content.decode()
    assert _checked(html, second.pk)
    first = call.nominations.exclude(pk=second.pk).get()
    assert not _checked(html, first.pk)


def test_member_chooses_among_own_organisations_with_the_nomination_chosen(web, call, second):
    user = UserFactory()
    mine = [OrganisationFactory(name=f"Вигадана бібліотека {n}") for n in (1, 2)]
    for organisation in mine:
        organisation.memberships.create(user=user)
    client = web(user)
    html = client.get(start_url(call, second)).content.decode()
    assert all(o.name in html for o in mine)
    assert _checked(html, second.pk)
    response = client.post(
        start_url(call, second),
        {
            "contest": call.pk,
            "organisation": mine[1].pk,
            "nomination": second.pk,
            "title": "Вигаданий проєкт",
        },
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:edit", args=[application.pk])
    assert (application.organisation, application.nomination) == (mine[1], second)


# --- `next` goes nowhere but this site ------------------------------------------------------------


@pytest.mark.parametrize("evil", ["https://evil.example/steal", "//evil.example/", "javascript:alert(1)"])
def test_sign_up_ignores_a_foreign_next(web, password, evil, django_capture_on_commit_callbacks):
    client = web()
    html = client.get(reverse("accounts:signup"), {"next": evil}).content.decode()
    assert f'name="next" value="{evil}"' not in html
    assert f"{reverse('accounts:login')}?next=" not in html  # the "Log in" link carries no next
    response = sign_up_and_confirm(
        client,
        {
            "email": "vygadana.osoba@example.org",
            "full_name": "Вигадана Особа",
            "password1": password,
            "password2": password,
            "next": evil,
        },
        django_capture_on_commit_callbacks,
    )
    assert response["Location"] == reverse("accounts:organisation_new")


@pytest.mark.parametrize("evil", ["https://evil.example/steal", "//evil.example/"])
def test_organisation_registration_ignores_a_foreign_next(web, evil):
    client = web(UserFactory())
    url = f"{reverse('accounts:organisation_new')}?{urlencode({'next': evil})}"
    assert f'name="next" value="{evil}"' not in client.get(url).content.decode()
    response = client.post(url, {**organisation_data(), "next": evil})
    organisation = Organisation.objects.get()
    assert response["Location"] == reverse("accounts:organisation", args=[organisation.pk])


def test_login_ignores_a_foreign_next(web, password):
    user = UserFactory()
    response = web().post(
        reverse("accounts:login"),
        {"username": user.email, "password": password, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_bad_organisation_keeps_next_and_registers_nothing(web, call, second):
    client = web(UserFactory())
    target = start_url(call, second)
    url = f"{reverse('accounts:organisation_new')}?{urlencode({'next': target})}"
    response = client.post(url, {**organisation_data(registry_code="12"), "next": target})
    assert response.status_code == 200
    html = response.content.decode()
    assert "EDRPOU" in html
    assert f'name="next" value="{target}"'.replace("&", "&amp;") in html
    assert not Organisation.objects.exists()

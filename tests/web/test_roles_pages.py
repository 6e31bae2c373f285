import pytest
from django.urls import reverse

from contests.models import ContestRole
from tests.factories import UserFactory, grant, ready_contest

pytestmark = pytest.mark.django_db


def people_url(contest):
    return reverse("contests:people", args=[contest.pk])


def test_people_page_lists_roles(web, organiser, draft_contest):
    juror = UserFactory(full_name="Журі Вигадане")
    grant(draft_contest, juror, ContestRole.Role.JUROR)
    html = web(organiser).get(people_url(draft_contest)).content.decode()
    assert html.count("<h1") == 1
    for text in ("Organiser", "Juror", "Grant officer", organiser.full_name, "Журі Вигадане", "Remove"):
        assert text in html
    assert "Nobody yet." in html  # no grant officer
    assert "Give the role" in html


def test_grant_role_to_existing_user_by_email(web, organiser, draft_contest):
    person = UserFactory(email="juror@example.org")
    response = web(organiser).post(
        people_url(draft_contest), {"email": "Juror@Example.org", "role": ContestRole.Role.JUROR}, follow=True
    )
    html = response.content.decode()
    assert "now has the role “Juror” in this contest." in html
    assert 'role="status"' in html
    role = ContestRole.objects.get(contest=draft_contest, user=person)
    assert (role.role, role.granted_by) == (ContestRole.Role.JUROR, organiser)

    again = web(organiser).post(
        people_url(draft_contest), {"email": "juror@example.org", "role": ContestRole.Role.JUROR}, follow=True
    )
    assert "already has the role “Juror”" in again.content.decode()
    assert ContestRole.objects.filter(contest=draft_contest, user=person).count() == 1


def test_unknown_email_is_a_form_error(web, organiser, draft_contest):
    before = ContestRole.objects.count()
    response = web(organiser).post(
        people_url(draft_contest), {"email": "nobody@example.org", "role": ContestRole.Role.JUROR}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nobody with this e-mail address has an account yet. Ask them to sign up first." in html
    assert 'aria-invalid="true"' in html
    assert ContestRole.objects.count() == before


def test_bad_role_is_refused(web, organiser, draft_contest):
    UserFactory(email="x@example.org")
    response = web(organiser).post(people_url(draft_contest), {"email": "x@example.org", "role": "king"})
    assert response.status_code == 200
    assert not ContestRole.objects.filter(contest=draft_contest, role="king").exists()


def test_revoke_role(web, organiser, draft_contest):
    juror = grant(draft_contest, UserFactory(), ContestRole.Role.JUROR)
    response = web(organiser).post(
        reverse("contests:role_remove", args=[draft_contest.pk, juror.pk]), follow=True
    )
    assert "no longer has the role “Juror”" in response.content.decode()
    assert not ContestRole.objects.filter(pk=juror.pk).exists()


def test_last_organiser_cannot_be_removed(web, organiser, draft_contest):
    only = ContestRole.objects.get(contest=draft_contest, user=organiser, role=ContestRole.Role.ORGANISER)
    response = web(organiser).post(
        reverse("contests:role_remove", args=[draft_contest.pk, only.pk]), follow=True
    )
    html = response.content.decode()
    assert "A contest must keep at least one organiser." in html
    assert 'role="alert"' in html
    assert ContestRole.objects.filter(pk=only.pk).exists()


def test_organiser_removing_themselves_goes_back_to_their_list(web, organiser, draft_contest):
    grant(draft_contest, UserFactory())
    mine = ContestRole.objects.get(contest=draft_contest, user=organiser)
    response = web(organiser).post(reverse("contests:role_remove", args=[draft_contest.pk, mine.pk]))
    assert response["Location"] == reverse("contests:organise")
    assert not ContestRole.objects.filter(pk=mine.pk).exists()


def test_role_of_another_contest_is_404(web, organiser, draft_contest, other_organiser):
    theirs = ContestRole.objects.get(user=other_organiser)
    response = web(organiser).post(reverse("contests:role_remove", args=[draft_contest.pk, theirs.pk]))
    assert response.status_code == 404
    assert ContestRole.objects.filter(pk=theirs.pk).exists()


def test_non_organisers_get_403(web, published_contest):
    juror = UserFactory()
    grant(published_contest, juror, ContestRole.Role.JUROR)
    organiser_role = published_contest.roles.get(role=ContestRole.Role.ORGANISER)
    target = UserFactory(email="target@example.org")
    for user in (juror, UserFactory()):
        client = web(user)
        assert client.get(people_url(published_contest)).status_code == 403
        response = client.post(people_url(published_contest), {"email": target.email, "role": "organiser"})
        assert response.status_code == 403
        remove = reverse("contests:role_remove", args=[published_contest.pk, organiser_role.pk])
        assert client.post(remove).status_code == 403
    assert not ContestRole.objects.filter(user=target).exists()
    assert ContestRole.objects.filter(pk=organiser_role.pk).exists()


def test_another_organiser_gets_403_and_hidden_draft_404(web, organiser, other_organiser, published_contest):
    client = web(other_organiser)
    assert client.get(people_url(published_contest)).status_code == 403
    draft = ready_contest()
    grant(draft, organiser)
    assert client.get(people_url(draft)).status_code == 404


def test_people_page_requires_login(web, draft_contest):
    response = web().get(people_url(draft_contest))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]

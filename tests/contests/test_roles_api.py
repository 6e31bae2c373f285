from contests.models import ContestRole
from tests.factories import UserFactory


def test_organiser_grants_and_revokes_a_juror(api, organiser, draft_contest):
    juror = UserFactory()
    url = f"/api/v1/contests/{draft_contest.pk}/roles/"
    r = api(organiser).post(url, {"email": juror.email.upper(), "role": "juror"})
    assert r.status_code == 200, r.content
    assert {"email": juror.email, "full_name": juror.full_name, "role": "juror"} in r.json()
    assert draft_contest.roles.filter(user=juror, role=ContestRole.Role.JUROR).exists()
    r = api(organiser).post(
        f"/api/v1/contests/{draft_contest.pk}/revoke-role/", {"email": juror.email, "role": "juror"}
    )
    assert r.status_code == 200
    assert not draft_contest.roles.filter(user=juror).exists()


def test_unknown_email_is_a_field_error_and_grants_nothing(api, organiser, draft_contest):
    r = api(organiser).post(
        f"/api/v1/contests/{draft_contest.pk}/roles/", {"email": "nobody@example.org", "role": "juror"}
    )
    assert r.status_code == 400
    assert "email" in r.json()["errors"]
    assert draft_contest.roles.count() == 1


def test_last_organiser_cannot_be_revoked(api, organiser, draft_contest):
    r = api(organiser).post(
        f"/api/v1/contests/{draft_contest.pk}/revoke-role/", {"email": organiser.email, "role": "organiser"}
    )
    assert r.status_code == 400
    assert draft_contest.roles.filter(user=organiser, role="organiser").exists()


def test_others_cannot_manage_roles(api, other_organiser, applicant, published_contest):
    url = f"/api/v1/contests/{published_contest.pk}/roles/"
    for user in (other_organiser, applicant):
        assert api(user).post(url, {"email": user.email, "role": "organiser"}).status_code == 403
        assert api(user).get(url).status_code == 403
    assert not published_contest.roles.filter(user__in=[other_organiser, applicant]).exists()

"""The organisers' exports: presenters with the organisation's official contacts and case links."""

import io
import zipfile

import pytest

from congress import services

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_csv_lists_presenters_with_official_contacts_and_links(client, organiser, event, make_case, invite):
    case, withdrawn = make_case("Клуб =HYPERLINK"), make_case("Знята")
    invite(case)
    gone = invite(withdrawn)
    services.withdraw_invitation(gone, by=organiser)
    client.force_login(organiser)
    response = client.get(f"/congress/manage/{event.pk}/presenters.csv")
    assert response.status_code == 200
    text = _text(response)
    assert case.organisation.email in text
    assert case.organisation.phone in text
    assert case.member.email not in text  # a person's own address is never exported
    assert f"/practices/{case.practice.pk}/" in text
    assert "Знята" not in text


def test_xlsx_is_a_workbook(client, organiser, event, make_case, invite):
    invite(make_case())
    client.force_login(organiser)
    response = client.get(f"/congress/manage/{event.pk}/presenters.xlsx")
    assert response.status_code == 200
    workbook = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert any(name.startswith("xl/worksheets/") for name in workbook.namelist())


def test_exports_are_for_the_events_organisers_only(client, other_organiser, make_case, event, invite):
    case = make_case()
    invite(case)
    for user in (other_organiser, case.member):
        client.force_login(user)
        assert client.get(f"/congress/manage/{event.pk}/presenters.csv").status_code == 404

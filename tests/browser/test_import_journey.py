"""An organiser imports libraries from a CSV: upload, preview with every row, confirm, result;
axe-core checks the preview and the result; then the contest's dashboard shows the libraries
among the organisations it reached."""

import pytest
from django.urls import reverse

from accounts.models import ImportJob, Invitation, Organisation
from tests.browser.conftest import log_in
from tests.factories import UserFactory, grant, ready_contest
from tests.imports.conftest import csv_bytes, org_row

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_organiser_imports_libraries(page, axe_check, tmp_path, live_server):
    organiser = UserFactory(email="import-organiser@example.org", full_name="Вигадана Організаторка")
    contest = ready_contest(title="Вигаданий конкурс для імпорту")
    grant(contest, organiser)
    bad = tmp_path / "libraries-bad.csv"
    bad.write_bytes(csv_bytes([org_row(1), org_row(2, Область="Нарнія")], delimiter=";", encoding="cp1251"))
    good = tmp_path / "libraries.csv"
    good.write_bytes(csv_bytes([org_row(n) for n in range(1, 6)], bom=True))

    log_in(page, live_server, organiser)

    page.goto(reverse("accounts:organisations_import"))
    page.locator("#id_file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the table").click()
    page.get_by_role("heading", name="Rows").wait_for()
    assert page.locator("#row-3 .errors").inner_text().startswith("Unknown region “Нарнія”")
    assert page.get_by_role("button", name="Confirm the import").count() == 0
    axe_check(page)

    page.goto(reverse("accounts:organisations_import"))
    page.locator("#id_file").set_input_files(str(good))
    page.get_by_role("button", name="Check the table").click()
    page.get_by_role("button", name="Confirm the import").wait_for()
    assert page.locator("tbody tr").count() == 5
    assert not Organisation.objects.exists()
    axe_check(page)

    page.get_by_role("button", name="Confirm the import").click()
    page.get_by_text("The import is complete.").wait_for()
    assert Organisation.objects.count() == 5
    assert Invitation.objects.count() == 5
    assert ImportJob.objects.latest("pk").state == ImportJob.State.DONE
    axe_check(page)

    # The imported libraries show on the contest's dashboard: all five in Poltava Oblast, none applied yet.
    response = page.goto(reverse("reports:dashboard", args=[contest.pk]))
    assert response.status == 200
    reach = page.locator("section.report-chart", has=page.locator("#chart-reach-heading"))
    row = reach.locator("tbody tr", has=page.get_by_role("rowheader", name="Poltava Oblast"))
    assert [cell.strip() for cell in row.locator("td").all_inner_texts()] == ["0", "5"]
    axe_check(page)

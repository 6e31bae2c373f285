"""The analytic reports' pages: the organisers' list and form, editing with versions, the
printable page (escaped narrative, print stylesheet), steps, downloads, the public list."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from core.menu import links_for
from reports import services
from reports.models import AnalyticReport


def test_the_contest_page_lists_reports_and_offers_the_form(web, analytic):
    response = web(analytic.organiser).get(reverse("reports:analytic_contest", args=[analytic.contest.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert analytic.report.title in body
    assert f'value="{analytic.cases[0].pk}"' in body  # published cases offered to cite
    assert f'value="{analytic.draft_case.pk}"' not in body


def test_creating_with_bad_input_keeps_what_was_typed(web, analytic):
    url = reverse("reports:analytic_contest", args=[analytic.contest.pk])
    before = AnalyticReport.objects.count()
    response = web(analytic.organiser).post(url, {"title": "", "findings": "Мої висновки"})
    assert response.status_code == 400
    assert "Мої висновки" in response.content.decode()
    assert AnalyticReport.objects.count() == before
    created = web(analytic.organiser).post(
        url, {"title": "Звіт із вебу", "summary": "Так", "cases": [analytic.cases[0].pk]}
    )
    report = AnalyticReport.objects.get(title="Звіт із вебу")
    assert created.status_code == 302
    assert created["Location"] == reverse("reports:analytic_detail", args=[report.pk])
    assert [p.pk for p in report.cases.all()] == [analytic.cases[0].pk]


def test_citing_a_draft_case_from_the_form_is_refused(web, analytic):
    url = reverse("reports:analytic_edit", args=[analytic.report.pk])
    response = web(analytic.organiser).post(
        url, {"title": "Той самий", "cases": [analytic.draft_case.pk], "version": analytic.report.version}
    )
    assert response.status_code == 400
    analytic.report.refresh_from_db()
    assert analytic.report.title != "Той самий"


def test_a_stale_edit_is_refused_and_the_text_kept(web, analytic):
    url = reverse("reports:analytic_edit", args=[analytic.report.pk])
    old_version = analytic.report.version
    services.update_report(analytic.report, by=analytic.organiser, findings="Колега написала це")
    response = web(analytic.organiser).post(
        url, {"title": "Мій заголовок", "findings": "Моя версія", "version": old_version}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Моя версія" in body and "findings" in body
    analytic.report.refresh_from_db()
    assert analytic.report.findings == "Колега написала це"
    saved = web(analytic.organiser).post(
        url,
        {
            "title": "Мій заголовок",
            "findings": "Моя версія",
            "version": analytic.report.version,
            "cases": [analytic.cases[0].pk, analytic.cases[1].pk],
        },
    )
    assert saved.status_code == 302
    analytic.report.refresh_from_db()
    assert analytic.report.findings == "Моя версія"
    # The cases cited before keep their order.
    assert list(analytic.report.citations.values_list("practice_id", flat=True)) == [
        analytic.cases[1].pk,
        analytic.cases[0].pk,
    ]


def test_the_printable_page_escapes_the_narrative(web, analytic):
    services.update_report(
        analytic.report, by=analytic.organiser, findings="<script>alert(1)</script>\n\n<b>жирно</b>"
    )
    response = web(analytic.organiser).get(reverse("reports:analytic_detail", args=[analytic.report.pk]))
    body = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert" not in body and "<b>жирно" not in body
    assert "<p>Перший абзац.</p>" in body and "<p>Другий абзац.</p>" in body  # paragraphs kept
    assert "reports/analytic-report.css" in body
    assert analytic.cases[1].title in body


def test_the_organiser_publishes_from_the_page_and_the_public_reads_it(web, analytic):
    detail = reverse("reports:analytic_detail", args=[analytic.report.pk])
    assert web().get(detail).status_code == 404
    step = reverse("reports:analytic_step", args=[analytic.report.pk, "publish"])
    assert web(analytic.outsider).post(step).status_code == 404
    assert web(analytic.organiser).post(step).status_code == 302
    analytic.report.refresh_from_db()
    assert analytic.report.is_published
    public = web().get(reverse("reports:analytic_public"))
    assert analytic.report.title in public.content.decode()
    page = web().get(detail)
    assert page.status_code == 200
    assert reverse("reports:analytic_edit", args=[analytic.report.pk]) not in page.content.decode()
    pdf = web().get(reverse("reports:analytic_pdf", args=[analytic.report.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        web(analytic.outsider).get(reverse("reports:analytic_edit", args=[analytic.report.pk])).status_code
        == 404
    )


def test_other_organisers_and_officers_do_not_reach_the_pages(web, analytic):
    for user in (analytic.other_organiser, analytic.officer, analytic.member):
        client = web(user)
        assert client.get(reverse("reports:analytic_contest", args=[analytic.contest.pk])).status_code == 404
        assert client.get(reverse("reports:analytic_detail", args=[analytic.report.pk])).status_code == 404
        assert client.get(reverse("reports:analytic_xlsx", args=[analytic.report.pk])).status_code == 404


def test_a_published_report_cannot_be_deleted_from_the_page(web, analytic):
    services.publish(analytic.report, by=analytic.organiser)
    response = web(analytic.organiser).post(reverse("reports:analytic_delete", args=[analytic.report.pk]))
    assert response.status_code == 302
    assert AnalyticReport.objects.filter(pk=analytic.report.pk).exists()


def test_links_in_the_footer_and_on_the_contest_page(web, analytic):
    footer = [link["url"] for link in links_for("footer", AnonymousUser())]
    assert reverse("reports:analytic_public") in footer
    manage = web(analytic.organiser).get(reverse("contests:manage", args=[analytic.contest.pk]))
    assert reverse("reports:analytic_contest", args=[analytic.contest.pk]) in manage.content.decode()

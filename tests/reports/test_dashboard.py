"""The contest dashboard: who sees it, that its figures are the lists' own, flat query counts,
accessible charts and their CSV."""

import csv
import io
import itertools
import re
from datetime import date

import pytest
from django.db.models import Count
from django.urls import reverse

from accounts.models import Organisation
from accounts.regions import Region
from applications.models import Application, IneligibilityReason
from reports import selectors
from review.models import Review, Score
from review.selectors import progress_by_juror
from tests.applications.screening_data import submitted
from tests.factories import ContestFactory, OrganisationFactory, UserFactory, grant
from tests.reports.conftest import score
from tests.review.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def url(contest, name="reports:dashboard", *args):
    return reverse(name, args=[contest.pk, *args])


def figures(chart) -> dict:
    return {row.key: row.values for row in chart.rows}


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


# --- who may see it -------------------------------------------------------------------------------


def test_organisers_only_others_get_404(web, busy, other_organiser, applicant, staff):
    contest = busy.contest
    juror = busy.jurors[1].user
    for name, args in [
        ("reports:dashboard", ()),
        ("reports:chart_csv", ("states",)),
        ("reports:summary_xlsx", ()),
        ("reports:summary_pdf", ()),
    ]:
        address = url(contest, name, *args)
        for outsider in (other_organiser, applicant, juror, staff):
            assert web(outsider).get(address).status_code == 404, (name, outsider)
        assert web().get(address).status_code == 302  # to the login page
    hidden = ContestFactory()  # someone else's draft: not even visible
    grant(hidden, UserFactory())
    assert web(busy.organiser).get(url(hidden)).status_code == 404
    assert web(busy.organiser).get(url(contest)).status_code == 200


def test_the_organisers_contest_page_links_to_it(web, busy):
    html = web(busy.organiser).get(reverse("contests:manage", args=[busy.contest.pk])).content.decode()
    assert f'href="{url(busy.contest)}"' in html


# --- the figures are the lists' own ---------------------------------------------------------------


def test_state_counts_equal_the_screening_list_and_the_api(web, api, busy):
    contest, client = busy.contest, web(busy.organiser)
    states = figures(selectors.dashboard(contest).applications[0])
    assert states[Application.State.DRAFT] == (1,)
    assert states[Application.State.INELIGIBLE] == (3,)
    assert states[Application.State.UNDER_REVIEW] == (6,)
    for state, (n,) in states.items():
        listed = api(busy.organiser).get("/api/v1/applications/", {"contest": contest.pk, "state": state})
        assert listed.json()["count"] == n, state
        if state != Application.State.DRAFT:  # the screening list never shows drafts
            page = client.get(reverse("applications:screening", args=[contest.pk]), {"state": state})
            assert page.context["page_obj"].paginator.count == n, state
    assert sum(n for (n,) in states.values()) == Application.objects.filter(contest=contest).count()


def test_nomination_and_region_counts_equal_the_filtered_screening_list(web, busy):
    contest, client = busy.contest, web(busy.organiser)
    board = selectors.dashboard(contest)
    screening = reverse("applications:screening", args=[contest.pk])

    def listed(**params) -> int:
        return client.get(screening, params).context["page_obj"].paginator.count

    nominations = figures(board.applications[1])
    assert nominations == {busy.a.pk: (6,), busy.b.pk: (6,)}
    for pk, (n,) in nominations.items():
        assert listed(nomination=pk) == n
    regions = figures(board.applications[2])
    assert len(regions) == len(Region.choices)
    assert regions["lviv"] == (3,)  # two of the jury's and one more
    for region, (n,) in regions.items():
        assert listed(region=region) == n, region
    assert board.submitted == listed() == 12


def test_submissions_by_day_run_to_the_total_in_the_contests_zone(busy):
    contest = busy.contest
    chart = selectors.dashboard(contest).charts["days"]
    days = figures(chart)
    # 23:30 UTC on 1 March is already 2 March in Kyiv; 08:00 UTC on 2 March is too.
    assert days[date(2025, 3, 2)][0] == 2
    assert date(2025, 3, 1) not in days
    running = [row.values[1] for row in chart.rows]
    assert running == sorted(running)
    submitted_ever = (
        Application.objects.filter(contest=contest, submitted_at__isnull=False)
        .exclude(state=Application.State.DRAFT)
        .count()
    )
    assert running[-1] == sum(row.values[0] for row in chart.rows) == submitted_ever == 12
    assert chart.extra["deadline"] == contest.local(contest.closes_at).date()


def test_screening_outcomes_and_reasons(busy):
    outcomes, reasons = selectors.dashboard(busy.contest).screening
    assert figures(outcomes) == {
        "eligible": (6,),
        Application.State.INELIGIBLE: (3,),
        Application.State.RETURNED: (1,),
        Application.State.SUBMITTED: (1,),
    }
    counted = figures(reasons)
    assert counted[IneligibilityReason.LATE] == (2,)
    assert counted[IneligibilityReason.DUPLICATE] == (1,)
    assert sum(n for (n,) in counted.values()) == 3


def test_review_progress_is_the_jury_boards(busy):
    board = selectors.dashboard(busy.contest)
    assert board.round == busy.round
    jurors, nominations = board.review
    progress = progress_by_juror(busy.round)
    assert [row.key for row in jurors.rows] == [juror.pk for juror in progress]
    for row, juror in zip(jurors.rows, progress, strict=True):
        assert row.values == tuple(juror.counts[state] for state in selectors.REVIEW_STATES)
    by_juror = {row.key: dict(zip(selectors.REVIEW_STATES, row.values, strict=True)) for row in jurors.rows}
    assert by_juror[busy.jurors[1].pk][Review.State.SUBMITTED] == 2
    assert by_juror[busy.jurors[2].pk][Review.State.IN_PROGRESS] == 1
    assert by_juror[busy.jurors[3].pk][Review.State.ASSIGNED] == 1
    per_nomination = {
        row.key: dict(zip(selectors.REVIEW_STATES, row.values, strict=True)) for row in nominations.rows
    }
    assert per_nomination[busy.a.pk][Review.State.SUBMITTED] == 2
    assert per_nomination[busy.b.pk][Review.State.SUBMITTED] == 1
    assert per_nomination[busy.b.pk][Review.State.IN_PROGRESS] == 1
    for state in selectors.REVIEW_STATES:
        assert (
            sum(row[state] for row in per_nomination.values())
            == Review.objects.filter(round=busy.round, state=state).count()
        )


def test_score_histograms_count_submitted_scores_across_the_scale(busy):
    charts = {chart.name: chart for chart in selectors.dashboard(busy.contest).scores}
    impact = figures(charts[f"scores-{busy.impact.pk}"])
    assert list(impact) == list(range(0, 11))
    assert impact[8] == impact[6] == impact[10] == (1,)
    assert impact[2] == (0,)  # in an unsubmitted review: not counted
    method = figures(charts[f"scores-{busy.method.pk}"])
    assert method[6] == (2,)
    assert method[3] == (1,)
    only_b = figures(charts[f"scores-{busy.only_b.pk}"])
    assert list(only_b) == list(range(0, 6))
    for criterion in (busy.impact, busy.method, busy.only_b):
        total = sum(n for (n,) in figures(charts[f"scores-{criterion.pk}"]).values())
        assert (
            total == Score.objects.filter(criterion=criterion, review__state=Review.State.SUBMITTED).count()
        )


def test_without_a_round_the_review_sections_say_so(web, organiser, published_contest):
    submitted(published_contest)
    response = web(organiser).get(url(published_contest))
    assert response.status_code == 200
    assert response.context["dashboard"].round is None
    assert "The jury has no review round yet." in response.content.decode()


# --- constant queries --------------------------------------------------------------------------


def test_query_count_is_the_same_for_1_and_50_applications(web, organiser, published_contest, count_queries):
    client = web(organiser)
    submitted(published_contest)
    client.get(url(published_contest))  # warm up (session, content types)
    one = count_queries(lambda: client.get(url(published_contest)))
    for i in range(49):
        submitted(published_contest, region=Region.values[i % len(Region.values)])
    fifty = count_queries(lambda: client.get(url(published_contest)))
    assert selectors.dashboard(published_contest).submitted == 50
    assert one == fifty


def test_query_count_does_not_grow_with_reviews(web, busy, count_queries):
    client = web(busy.organiser)
    client.get(url(busy.contest))
    before = count_queries(lambda: client.get(url(busy.contest)))
    for i in range(44):
        ApplicationFactory(
            contest=busy.contest,
            nomination=busy.a if i % 2 else busy.b,
            state=Application.State.UNDER_REVIEW,
            organisation=OrganisationFactory(region=Region.values[i % len(Region.values)]),
        )
    for application in Application.objects.filter(contest=busy.contest, state=Application.State.UNDER_REVIEW)[
        :12
    ]:
        if not application.reviews.filter(juror=busy.jurors[3]).exists():
            values = {busy.impact: 4, busy.method: 7}
            if application.nomination_id == busy.b.pk:
                values[busy.only_b] = 1
            score(busy, busy.jurors[3], application, values)
    after = count_queries(lambda: client.get(url(busy.contest)))
    assert after == before


# --- the page: accessible charts, tables and CSV --------------------------------------------------


def test_each_chart_is_an_accessible_svg_paired_with_a_table(web, busy):
    html = web(busy.organiser).get(url(busy.contest)).content.decode()
    names = [
        "states",
        "nominations",
        "regions",
        "days",
        "screening",
        "reasons",
        "jurors",
        "review-nominations",
    ]
    names += [f"scores-{c.pk}" for c in (busy.impact, busy.method, busy.only_b)]
    for name in names:
        svg = re.search(rf'<svg[^>]*aria-labelledby="chart-{name}-title chart-{name}-desc"[^>]*>', html)
        assert svg is not None, name
        assert 'role="img"' in svg.group(0)
        assert f'<title id="chart-{name}-title">' in html
        after = html[svg.end() :]
        assert after.index("<table>") < after.index("</section>")  # the chart's table follows it
        assert f'href="{url(busy.contest, "reports:chart_csv", name)}"' in html
    assert '<th scope="col">State</th>' in html
    assert '<th scope="row">Ineligible</th><td>3</td>' in html
    assert "<script" not in html.split("<main", 1)[1]
    # Heading levels never skip: h1, then h2 sections, then h3 charts.
    levels = [int(level) for level in re.findall(r"<h([1-6])", html.split("<main", 1)[1])]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_chart_csv_has_the_tables_numbers_and_neutralises_formulas(web, busy):
    busy.a.title = '=HYPERLINK("http://evil")'
    busy.a.save(update_fields=["title"])
    client = web(busy.organiser)
    rows = read_csv(client.get(url(busy.contest, "reports:chart_csv", "nominations")))
    assert rows[0] == ["Nomination", "Applications"]
    assert rows[1] == ['\'=HYPERLINK("http://evil")', "6"]
    assert rows[2] == ["B", "6"]
    states = read_csv(client.get(url(busy.contest, "reports:chart_csv", "states")))
    assert ["Ineligible", "3"] in states
    days = read_csv(client.get(url(busy.contest, "reports:chart_csv", "days")))
    assert days[0] == ["Day (Europe/Kyiv)", "Submitted that day", "Submitted in total"]
    assert ["2025-03-02", "2", "2"] in days  # the label column is for people: ISO in English
    scores = read_csv(client.get(url(busy.contest, "reports:chart_csv", f"scores-{busy.method.pk}")))
    assert scores[0] == ["Score", "Scores given"] and ["6", "2"] in scores
    assert client.get(url(busy.contest, "reports:chart_csv", "no-such-chart")).status_code == 404


def test_wide_scales_are_grouped_into_bins(busy):
    busy.contest.criteria.filter(pk=busy.only_b.pk).update(scale_min=-100, scale_max=100)
    charts = {chart.name: chart for chart in selectors.dashboard(busy.contest).scores}
    rows = charts[f"scores-{busy.only_b.pk}"].rows
    assert len(rows) <= selectors.MAX_BINS
    assert rows[0].label.startswith("-100–") and rows[-1].label.endswith("100")
    assert sum(row.total for row in rows) == 1  # the one submitted score (5) lands in one bin


# --- reach: registered organisations by region -------------------------------------------------


def test_reach_counts_registered_organisations_and_those_that_applied(published_contest):
    OrganisationFactory.create_batch(2, region=Region.LVIV)
    submitted(published_contest, region=Region.LVIV)
    poltava = OrganisationFactory.create_batch(2, region=Region.POLTAVA)
    # One organisation with two entries (a draft and a submitted one, in two nominations) counts once.
    for state in (Application.State.DRAFT, Application.State.ELIGIBLE):
        ApplicationFactory(contest=published_contest, organisation=poltava[0], state=state)
    chart = selectors.reach_chart(published_contest)
    assert figures(chart) == {Region.LVIV: (1, 2), Region.POLTAVA: (1, 1)}
    assert {row.key: row.total for row in chart.rows} == dict(
        Organisation.objects.values_list("region").annotate(n=Count("pk")).order_by()
    )

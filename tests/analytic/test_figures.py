"""The results' counts: indicator actuals of accepted reports summed by region and year."""

from decimal import Decimal

from reports.analytic_selectors import figures_of, indicator_totals


def _as_dict(totals) -> dict:
    return {(t.indicator, t.region, t.year): (t.target, t.actual) for t in totals}


def test_actuals_are_summed_by_indicator_region_and_year(analytic):
    totals = _as_dict(indicator_totals(analytic.contest))
    assert totals == {
        ("Читачі", "poltava", 2025): (Decimal(20), Decimal(10)),  # the unaccepted 100 not counted
        ("Читачі", "poltava", 2026): (Decimal(0), Decimal(5)),
        ("Читачі", "lviv", 2025): (Decimal(0), Decimal(10)),
        ("Заходи", "lviv", 2025): (Decimal(0), Decimal(2)),
    }


def test_totals_come_in_indicator_then_region_order(analytic):
    rows = [(t.indicator, t.region, t.year) for t in indicator_totals(analytic.contest)]
    assert rows == [
        ("Читачі", "lviv", 2025),
        ("Читачі", "poltava", 2025),
        ("Читачі", "poltava", 2026),
        ("Заходи", "lviv", 2025),
    ]


def test_totals_cost_the_same_queries_for_more_grants(analytic, count_queries):
    one = count_queries(lambda: indicator_totals(analytic.contest))
    for _ in range(3):
        application = analytic._winner("odesa")
        grant = analytic.offer("1000.00", application=application)
        analytic._report(grant, grant.ends_on, {analytic.readers: 1})
    assert count_queries(lambda: indicator_totals(analytic.contest)) == one
    assert _as_dict(indicator_totals(analytic.contest))[("Читачі", "odesa", 2025)][1] == Decimal(3)


def test_overview_sums_each_indicator_over_regions_and_years(analytic):
    overview = dict(figures_of(analytic.report).overview)
    assert overview["Читачі (осіб)"] == Decimal(25)
    assert overview["Заходи (шт.)"] == Decimal(2)


def test_results_charts_draw_the_actuals_by_region(analytic):
    charts = figures_of(analytic.report).results
    readers = charts[0]
    assert {row.key: row.total for row in readers.rows} == {"poltava": Decimal(15), "lviv": Decimal(10)}

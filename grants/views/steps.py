"""The steps of grants/steps.py from the pages' buttons ({% steps %}): one view per catalogue runs
any of its steps on an object the user may see (404 otherwise), then returns to `next` or to the
grant's page. The old one-step addresses (activate, complete, approve a tranche) point here too."""

from django.urls import reverse

from core.web import step_view
from grants.views.common import grant_for, report_for, tranche_for


def _grant_page(grant_id: int) -> str:
    return reverse("grants:detail", args=[grant_id])


grant_step = step_view(grant_for, lambda grant: _grant_page(grant.pk))
tranche_step = step_view(tranche_for, lambda tranche: _grant_page(tranche.grant_id))
report_step = step_view(report_for, lambda report: _grant_page(report.grant_id))

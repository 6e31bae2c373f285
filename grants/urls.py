from django.urls import path

from grants.views import agreement, grantee, officer, steps, workplan

app_name = "grants"

urlpatterns = [
    # The grantee's pages (grant officers read them too). Notifications link to <pk>/.
    path("", grantee.index, name="index"),
    path("<int:pk>/", grantee.detail, name="detail"),
    path("reports/<int:pk>/", grantee.report, name="report"),
    path("reports/<int:pk>/files/<int:file_pk>/", grantee.report_file, name="report_file"),
    # Any step of a grant, a tranche or a report (grants/steps.py): the buttons of {% steps %}.
    path("<int:pk>/steps/<slug:name>/", steps.grant_step, name="grant_step"),
    path("tranches/<int:pk>/steps/<slug:name>/", steps.tranche_step, name="tranche_step"),
    path("reports/<int:pk>/steps/<slug:name>/", steps.report_step, name="report_step"),
    # The grant officer's.
    path("<int:pk>/terminate/", officer.terminate, name="terminate"),
    path("<int:pk>/agreement/", agreement.sign, name="sign"),
    path("<int:pk>/agreement/<slug:which>/", agreement.agreement_file, name="agreement_file"),
    path("<int:pk>/targets/", agreement.target, name="target"),
    path("<int:pk>/bank-details/", agreement.bank_details, name="bank_details"),
    path("<int:pk>/activate/", steps.grant_step, {"name": "activate"}, name="activate"),
    path("<int:pk>/complete/", steps.grant_step, {"name": "complete"}, name="complete"),
    path("<int:pk>/tranches/", agreement.tranche, name="tranche"),
    path("<int:pk>/budget/", agreement.budget_line, name="budget_line"),
    path("reports/<int:pk>/review/", officer.review_report, name="review_report"),
    path("tranches/<int:pk>/approve/", steps.tranche_step, {"name": "approve"}, name="approve_tranche"),
    path("tranches/<int:pk>/pay/", officer.pay_tranche, name="pay_tranche"),
    path("contests/<int:pk>/", officer.dashboard, name="dashboard"),
    path("contests/<int:pk>/new/", officer.offer, name="offer"),
    path("contests/<int:pk>/indicators/", officer.indicator, name="indicator"),
    path("contests/<int:pk>/<slug:kind>.<str:fmt>", officer.export, name="export"),
    path("contests/<int:pk>/charts/<slug:name>.csv", officer.chart_csv, name="chart_csv"),
    # The project card and the work plan (grants/views/workplan.py).
    path("<int:pk>/card/", workplan.card, name="card"),
    path("<int:pk>/plan/", workplan.plan, name="plan"),
    path("<int:pk>/plan/print/", workplan.plan_print, name="plan_print"),
    path("<int:pk>/plan.xlsx", workplan.plan_xlsx, name="plan_xlsx"),
    path("<int:pk>/indicators-by-year/", workplan.annual, name="annual_indicators"),
    path("activities/<int:pk>/", workplan.edit_activity, name="edit_activity"),
    path("activities/<int:pk>/remove/", workplan.delete_activity, name="delete_activity"),
    path("activities/<int:pk>/complete/", workplan.complete_activity, name="complete_activity"),
    path("activities/<int:pk>/evidence/", workplan.evidence, name="activity_evidence"),
    path("activities/<int:pk>/steps/<slug:name>/", workplan.activity_step, name="activity_step"),
]

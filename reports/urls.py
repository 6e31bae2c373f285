from django.urls import path

from reports import analytic_views, views

app_name = "reports"

urlpatterns = [
    path("contests/<int:pk>/", views.dashboard, name="dashboard"),
    path("contests/<int:pk>/charts/<slug:name>.csv", views.chart_csv, name="chart_csv"),
    path("contests/<int:pk>/summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("contests/<int:pk>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("contests/<int:pk>/analytic/", analytic_views.contest_reports, name="analytic_contest"),
    path("campaigns/<int:pk>/analytic/", analytic_views.campaign_reports, name="analytic_campaign"),
    path("analytic/", analytic_views.public_list, name="analytic_public"),
    path("analytic/<int:pk>/", analytic_views.detail, name="analytic_detail"),
    path("analytic/<int:pk>/edit/", analytic_views.edit, name="analytic_edit"),
    path("analytic/<int:pk>/delete/", analytic_views.delete, name="analytic_delete"),
    path("analytic/<int:pk>/steps/<slug:name>/", analytic_views.step, name="analytic_step"),
    path("analytic/<int:pk>/report.pdf", analytic_views.download_pdf, name="analytic_pdf"),
    path("analytic/<int:pk>/report.xlsx", analytic_views.download_xlsx, name="analytic_xlsx"),
]

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("contests/<int:pk>/", views.dashboard, name="dashboard"),
    path("contests/<int:pk>/charts/<slug:name>.csv", views.chart_csv, name="chart_csv"),
    path("contests/<int:pk>/summary.xlsx", views.summary_xlsx, name="summary_xlsx"),
    path("contests/<int:pk>/summary.pdf", views.summary_pdf, name="summary_pdf"),
]

from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/questions/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/delete/", views.question_delete, name="question_delete"),
    path("<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("<int:pk>/indicators/<int:indicator_pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("<int:pk>/schedules/", views.schedule_add, name="schedule_add"),
    path("<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("<int:pk>/step/<str:name>/", views.campaign_step, name="campaign_step"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/files/<int:file_pk>/", views.report_file, name="report_file"),
    path("reports/<int:pk>/step/<str:name>/", views.report_step, name="report_step"),
]

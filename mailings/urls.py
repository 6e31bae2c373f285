from django.urls import path

from mailings import views

app_name = "mailings"

urlpatterns = [
    path("", views.mailing_list, name="list"),
    path("contests/<int:contest_pk>/", views.mailing_list, name="contest"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/recipients/", views.recipients, name="recipients"),
    path("<int:pk>/recipients.csv", views.recipients_csv, name="recipients_csv"),
    path("<int:pk>/steps/<str:name>/", views.step, name="step"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

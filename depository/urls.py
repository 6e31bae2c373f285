from django.urls import path

from depository import views

app_name = "depository"

urlpatterns = [
    # Public: a case's number never changes, so its address is permanent.
    path("practices/", views.catalogue, name="catalogue"),
    path("practices/<int:number>/", views.detail, name="detail"),
    path("practices/<int:number>/files/<int:attachment_pk>/", views.download, name="download"),
    # Applicants.
    path("depository/applications/<int:pk>/consent/", views.consent, name="consent"),
    # Organisers.
    path("depository/contests/<int:pk>/", views.manage, name="manage"),
    path("depository/contests/<int:pk>/winners/", views.select_winners, name="select_winners"),
    path("depository/contests/<int:pk>/select/<int:application_pk>/", views.select, name="select"),
    path("depository/contests/<int:pk>/presentations.<str:fmt>", views.export, name="export"),
    path("depository/cases/<int:number>/preview/", views.preview, name="preview"),
    path("depository/cases/<int:number>/presentation/", views.presentation, name="presentation"),
    path("depository/cases/<int:number>/remove/", views.remove, name="remove"),
    path("depository/cases/<int:number>/e-services/", views.case_eservices, name="case_eservices"),
    # Any step of a case (depository/steps.py); the view takes the case's number as `pk`.
    path("depository/cases/<int:pk>/<slug:name>/", views.transition, name="transition"),
]

from django.urls import path

from eservices import views

app_name = "eservices"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("totals/", views.totals, name="totals"),
    path("totals.<str:fmt>", views.totals_export, name="totals_export"),
    path("organisations/<int:pk>/", views.organisation_services, name="organisation"),
    path("organisations/<int:pk>/new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/years/", views.add_year, name="add_year"),
    path("<int:pk>/years/<int:year_pk>/delete/", views.delete_year, name="delete_year"),
]

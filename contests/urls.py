from django.urls import include, path

from contests import views

contest_patterns = [
    path("contests/<int:pk>/", views.contest_detail, name="detail"),
    path("contests/<int:pk>/regulations/", views.regulations_document, name="regulations"),
    path("organise/", views.organise, name="organise"),
    path("organise/new/", views.contest_create, name="create"),
    path("organise/contests/<int:pk>/", views.contest_manage, name="manage"),
    path("organise/contests/<int:pk>/edit/", views.contest_edit, name="edit"),
    path("organise/contests/<int:pk>/delete/", views.contest_delete, name="delete"),
    path("organise/contests/<int:pk>/steps/<slug:name>/", views.contest_transition, name="transition"),
    path("organise/contests/<int:pk>/<slug:kind>/new/", views.part_add, name="part_add"),
    path("organise/contests/<int:pk>/<slug:kind>/<int:part_pk>/", views.part_edit, name="part_edit"),
    path(
        "organise/contests/<int:pk>/<slug:kind>/<int:part_pk>/delete/",
        views.part_delete,
        name="part_delete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include((contest_patterns, "contests"))),
]

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
    path("organise/contests/<int:pk>/clone/", views.contest_clone, name="clone"),
    path("organise/contests/<int:pk>/steps/<slug:name>/", views.contest_transition, name="transition"),
    path("organise/contests/<int:pk>/outbox/", views.contest_outbox, name="outbox"),
    path(
        "organise/contests/<int:pk>/outbox/progress/",
        views.contest_outbox_progress,
        name="outbox_progress",
    ),
    path("organise/contests/<int:pk>/outbox/resend/", views.contest_outbox_resend, name="outbox_resend"),
    path("organise/contests/<int:pk>/messages/", views.message_templates, name="messages"),
    path(
        "organise/contests/<int:pk>/messages/<str:event>/<str:language>/",
        views.message_template_edit,
        name="message_edit",
    ),
    path(
        "organise/contests/<int:pk>/messages/<str:event>/<str:language>/default/",
        views.message_template_reset,
        name="message_reset",
    ),
    path("organise/contests/<int:pk>/people/", views.contest_people, name="people"),
    path("organise/contests/<int:pk>/grant-budget/", views.grant_budget, name="grant_budget"),
    path("organise/classifiers/", views.classifier_list, name="classifiers"),
    path("organise/classifiers/new/", views.classifier_edit, name="classifier_create"),
    path("organise/classifiers/<int:pk>/", views.classifier_edit, name="classifier_edit"),
    path("organise/classifiers/<int:pk>/delete/", views.classifier_delete, name="classifier_delete"),
    path("organise/contests/<int:pk>/case-structure/", views.add_case_structure, name="add_case_structure"),
    path(
        "organise/contests/<int:pk>/people/<int:role_pk>/remove/",
        views.contest_role_remove,
        name="role_remove",
    ),
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

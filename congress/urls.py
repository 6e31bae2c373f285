from django.urls import path

from congress import views

app_name = "congress"

urlpatterns = [
    # Public.
    path("", views.public_list, name="list"),
    path("<int:pk>/", views.programme, name="programme"),
    # Organisers.
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:pk>/", views.event, name="event"),
    path("manage/<int:pk>/edit/", views.edit, name="edit"),
    path("manage/<int:pk>/delete/", views.delete, name="delete"),
    path("manage/<int:pk>/cases/", views.cases, name="cases"),
    path("manage/<int:pk>/presenters.<str:fmt>", views.export, name="export"),
    path("manage/<int:pk>/<slug:name>/", views.event_step, name="event_step"),
    path("manage/invitations/<int:pk>/", views.invitation_edit, name="invitation_edit"),
    path("manage/invitations/<int:pk>/move/", views.move, name="move"),
    # Libraries.
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/<slug:name>/", views.invitation_step, name="invitation_step"),
]

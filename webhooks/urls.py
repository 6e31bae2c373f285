from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/organisations/<int:pk>/", views.organisation_endpoints, name="organisation"),
    path("webhooks/contests/<int:pk>/", views.contest_endpoints, name="contest"),
    path("webhooks/<int:pk>/", views.detail, name="detail"),
    path("webhooks/<int:pk>/test/", views.send_test, name="test"),
    path("webhooks/<int:pk>/rotate-secret/", views.rotate_secret, name="rotate"),
    path("webhooks/<int:pk>/enable/", views.enable, name="enable"),
    path("webhooks/<int:pk>/delete/", views.delete, name="delete"),
]

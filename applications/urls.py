from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("<int:pk>/", views.application_detail, name="detail"),
]

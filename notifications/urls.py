from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/read/", views.mark_one_read, name="mark_read"),
    path("e-mail/", views.email_preferences, name="email_preferences"),
]

from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("<int:pk>/", views.application_detail, name="detail"),
]

# The organiser's side: screening, late-submission codes, exports (applications/screening.py).
from applications import screening  # noqa: E402

screening_urls = [
    path("contest/<int:contest_pk>/screening/", screening.screening_list, name="screening"),
    path("<int:pk>/screening/", screening.screening_detail, name="screening_detail"),
    path(
        "<int:pk>/screening/files/<int:attachment_pk>/",
        screening.screening_attachment,
        name="screening_attachment",
    ),
    path("contest/<int:contest_pk>/late-codes/", screening.late_codes, name="late_codes"),
    path("contest/<int:contest_pk>/export.<str:fmt>", screening.export, name="export"),
]
urlpatterns += screening_urls

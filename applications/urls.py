from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("new/", views.start, name="new"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/steps/<slug:name>/", views.application_step, name="step"),
    path("<int:pk>/diff/", views.diff, name="diff"),
    path("<int:pk>/files/<slug:key>/upload/", views.upload, name="upload"),
    path("<int:pk>/files/<int:attachment_pk>/", views.download, name="download"),
    path("<int:pk>/files/<int:attachment_pk>/remove/", views.remove_file, name="remove_file"),
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

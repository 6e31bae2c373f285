from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Jury review")

    def ready(self) -> None:
        from review import events, imports, reminders, services  # noqa: F401 - registrations

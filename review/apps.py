from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Jury review")

    def ready(self) -> None:
        from applications.readers import register as register_reader
        from contests.navigation import ContestLink, register
        from review import events, imports, privacy, reminders  # noqa: F401 - registrations
        from review.files import JURORS

        register_reader(JURORS)  # jurors read the files of the applications assigned to them

        # The contest's organiser page links here (contests never names this app's pages).
        register(ContestLink(30, _("Jury"), "review:jury"))

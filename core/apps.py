from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # refresh_from_db() of state machines, safe under threaded workers (core.protection).
        from core import protection

        protection.install()
        # Every app's catalogue of steps (core.steps), so the API, pages and templates find them.
        autodiscover_modules("steps")

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
        # `in` on integer columns ignores out-of-range values instead of failing (core.lookups).
        from core import lookups

        lookups.install()
        # Every app's catalogue of steps (core.steps), so the API, pages and templates find them.
        autodiscover_modules("steps")

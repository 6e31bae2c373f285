from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepositoryConfig(AppConfig):
    name = "depository"
    verbose_name = _("Depository of best practices")

from django.db import models
from django.utils.translation import gettext_lazy as _


def exactly_one_of(first: str, second: str) -> models.Q:
    """A check constraint's condition: one of two foreign keys is set, never both, never neither
    (a webhook's owner, an analytic report's subject)."""
    return (models.Q(**{f"{first}__isnull": False}) & models.Q(**{f"{second}__isnull": True})) | (
        models.Q(**{f"{first}__isnull": True}) & models.Q(**{f"{second}__isnull": False})
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class OpenDataLicence(models.TextChoices):
    """Licences the open data of results and grants (awards.opendata) may be published under,
    by their SPDX identifiers."""

    CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0 International")
    CC_BY_SA_4 = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 International")
    CC0_1 = "CC0-1.0", _("Creative Commons Zero 1.0 Universal (public domain)")
    ODC_BY_1 = "ODC-By-1.0", _("Open Data Commons Attribution Licence 1.0")


class SiteSettings(models.Model):
    """Who runs this site and how to reach them: one row (pk 1), edited by staff on a page
    (core.views.site_settings) or through the API (PATCH /api/v1/site/). An empty field falls back to
    the deployment's settings (SITE_NAME, SITE_OPERATOR … in config/settings.py), then to the
    defaults; read it through core.site.current(), which caches it."""

    SINGLETON_PK = 1

    site_name = models.CharField(
        _("site name"), max_length=120, blank=True, help_text=_("Shown in the header and page titles.")
    )
    operator = models.CharField(
        _("operator"),
        max_length=200,
        blank=True,
        help_text=_("Who runs the site, e.g. a ministry or a regional library."),
    )
    operator_url = models.URLField(_("operator's website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=60, blank=True)
    contact_address = models.CharField(_("postal address"), max_length=300, blank=True)
    logo = models.FileField(_("logo"), upload_to="site", blank=True)
    logo_type = models.CharField(max_length=10, blank=True, editable=False)
    about_text = models.TextField(_("about the site"), blank=True)
    contacts_text = models.TextField(_("contacts page"), blank=True)
    accessibility_text = models.TextField(_("accessibility statement"), blank=True)
    privacy_text = models.TextField(_("privacy notice"), blank=True)
    open_data_licence = models.CharField(
        _("open data licence"),
        max_length=20,
        blank=True,
        choices=OpenDataLicence.choices,
        help_text=_("The licence of the published results and grants (open data)."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="site_settings_singleton")]

    def __str__(self) -> str:
        return str(_("Site settings"))

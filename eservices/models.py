"""The libraries' catalogue of e-services: what each organisation offers or helps people with.

An organisation's members keep its list; the public reads only the published services. Each
service counts the people helped per year (EServiceYear), which organisers total by region."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.models import TimeStampedModel

FIRST_YEAR = 1991
LAST_YEAR = 2100


class ServiceCategory(models.Model):
    """One entry of the e-service classifier (staff keep it in the admin)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("e-service category")
        verbose_name_plural = _("e-service categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """The title in the reader's language when it is one of the defaults (eservices.categories)."""
        return gettext(self.title) if self.title else ""


class Accessibility(models.TextChoices):
    STEP_FREE = "step_free", _("Step-free access")
    SCREEN_READER = "screen_reader", _("Computer with a screen reader")
    LARGE_PRINT = "large_print", _("Large print and magnifiers")
    SIGN_LANGUAGE = "sign_language", _("Sign language")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    HOME_VISITS = "home_visits", _("Home visits")
    BY_PHONE = "by_phone", _("Help by phone")


class EService(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="eservices", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="services", verbose_name=_("category")
    )
    help_given = models.TextField(
        _("help given"), max_length=3000, help_text=_("What the library does for the people who come.")
    )
    hours = models.CharField(
        _("hours"), max_length=200, blank=True, help_text=_("For example: Mon–Fri 10:00–17:00.")
    )
    accessibility = models.JSONField(_("accessibility"), default=list, blank=True)
    since = models.DateField(_("offered since"), null=True, blank=True)
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown in the public catalogue.")
    )
    # Casefolded text of the service and its library, for the search on SQLite (whose LIKE folds
    # only ASCII letters); written by save().
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("e-service")
        verbose_name_plural = _("e-services")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["published", "category"], name="eservice_published_cat")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        known = set(Accessibility.values)
        if not isinstance(self.accessibility, list) or any(
            not isinstance(code, str) or code not in known for code in self.accessibility
        ):
            raise ValidationError({"accessibility": _("Choose accessibility features from the list.")})
        self.accessibility = sorted(set(self.accessibility), key=Accessibility.values.index)

    def save(self, *args, **kwargs) -> None:
        organisation = self.organisation
        parts = [self.name, self.help_given, organisation.name, organisation.settlement, organisation.address]
        self.search_text = " ".join(parts).casefold()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def accessibility_labels(self) -> list[str]:
        labels = dict(Accessibility.choices)
        return [str(labels[code]) for code in self.accessibility if code in labels]


class EServiceYear(models.Model):
    """How many people a service helped in one year."""

    service = models.ForeignKey(EService, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    people_helped = models.PositiveIntegerField(
        _("people helped"), validators=[MaxValueValidator(10_000_000)]
    )

    class Meta:
        verbose_name = _("people helped in a year")
        verbose_name_plural = _("people helped per year")
        ordering = ["service", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="eservice_year_unique"),
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="eservice_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} {self.year}: {self.people_helped}"

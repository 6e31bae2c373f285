import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.regions import Region
from core import clock
from core.models import TimeStampedModel

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{7,20}$", _("Enter a phone number such as +380 44 123 45 67.")
)
registry_code_validator = RegexValidator(
    r"^[0-9]{8,10}$", _("The registry code (EDRPOU) has 8 digits (10 for some bodies).")
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with an e-mail address; no user names."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=clock.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class Organisation(TimeStampedModel):
    """A library or another body that applies to contests or runs them."""

    class Kind(models.TextChoices):
        PUBLIC_LIBRARY = "public_library", _("Public library")
        REGIONAL_LIBRARY = "regional_library", _("Regional (oblast) library")
        LIBRARY_SYSTEM = "library_system", _("Centralised library system")
        MUNICIPALITY = "municipality", _("Local self-government body")
        GOVERNMENT = "government", _("State authority")
        NGO = "ngo", _("Civil society organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.CharField(_("region (oblast)"), max_length=32, choices=Region.choices)
    settlement = models.CharField(_("settlement"), max_length=120)
    address = models.CharField(_("address"), max_length=300, blank=True)
    registry_code = models.CharField(
        _("registry code (EDRPOU)"),
        max_length=10,
        blank=True,
        validators=[registry_code_validator],
        help_text=_("Optional. Eight digits from the Unified State Register."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"))
    phone = models.CharField(_("contact phone"), max_length=20, blank=True, validators=[phone_validator])
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["registry_code"],
                condition=~models.Q(registry_code=""),
                name="organisation_registry_code_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.settlement})"


class Membership(TimeStampedModel):
    """A person working for an organisation; an admin may invite colleagues."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    is_admin = models.BooleanField(_("organisation admin"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return clock.now() + timedelta(days=14)


class Invitation(TimeStampedModel):
    """An organisation admin's invitation of a colleague by e-mail, accepted once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > clock.now()

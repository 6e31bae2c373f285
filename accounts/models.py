import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.regions import Region
from core import clock
from core.models import TimeStampedModel

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{7,20}$", _("Enter a phone number such as +380 44 123 45 67.")
)
registry_code_validator = RegexValidator(
    r"^[0-9]{8,10}$", _("The registry code (EDRPOU) has 8 digits (10 for some bodies).")
)


def registry_code_checksum_ok(code: str) -> bool:
    """The EDRPOU check digit (the eighth) of an eight-digit code, by the State Statistics rule:
    weights 1..7 (3..9 for codes between 30,000,000 and 60,000,000), sum modulo 11; a remainder
    of 10 is recomputed with the weights raised by 2, and a second 10 means 0. Other lengths
    (ten-digit codes of some bodies) have no check digit to test here."""
    if len(code) != 8 or not code.isdigit():
        return True
    digits = [int(d) for d in code]
    start = 3 if 30_000_000 <= int(code) < 60_000_000 else 1
    for shift in (0, 2):
        remainder = sum(d * (start + shift + i) for i, d in enumerate(digits[:7])) % 11
        if remainder < 10:
            return remainder == digits[7]
    return digits[7] == 0


def validate_registry_code_checksum(code: str) -> None:
    if code and not registry_code_checksum_ok(code):
        raise ValidationError(
            _("The registry code (EDRPOU) %(code)s fails its check digit; check it for a typo."),
            code="checksum",
            params={"code": code},
        )


# The group whose members may create contests (README): created by a migration, managed by staff
# on the organisers' page, by `manage.py grant_organiser` and through the API.
ORGANISERS_GROUP = "Organisers"
# Its permissions, as (app label, codename): named as strings, as accounts imports no contests code.
ORGANISER_PERMISSIONS = (("contests", "add_contest"),)


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
    # Set when the person proved the address is theirs: an account signed up through the API is
    # inactive until then; accepting an invitation sent to the address proves it too.
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    # Raised to end every other session at once (accounts.sessions.end_other_sessions_and_tokens):
    # it is mixed into the session hash as the password is, so it works with any session store.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

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

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django's hash of the password, with the session epoch mixed in once it was raised
        (epoch 0 keeps the hash, so sessions from before stay valid)."""
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


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
    """An invitation by e-mail, accepted once: to join an organisation (by an admin of it, or as
    its administrator when an organiser imports the organisation), to join a contest's jury or
    become its grant officer, or to become an organiser (the group ORGANISERS_GROUP).

    Only an organisation's invitation has an organisation; a contest's invitation holds the
    contest in `payload` ({"contest": id, "title": …}, and for a juror the seat's details), read
    by the app above that registered the purpose's acceptance step (services.on_accepting)."""

    class Purpose(models.TextChoices):
        ORGANISATION = "organisation", _("Join an organisation")
        JURY = "jury", _("Join a contest's jury")
        ORGANISER = "organiser", _("Become an organiser")
        GRANT_OFFICER = "grant_officer", _("Become a contest's grant officer")

    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.ORGANISATION)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", null=True, blank=True
    )
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    as_admin = models.BooleanField(_("as the organisation's administrator"), default=False)
    payload = models.JSONField(default=dict, blank=True)
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
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(purpose="organisation") | models.Q(organisation__isnull=False),
                name="invitation_organisation_required",
            )
        ]

    def __str__(self) -> str:
        target = self.organisation if self.organisation_id else self.payload.get("title", self.purpose)
        return f"{self.email} → {target}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > clock.now()


class ImportJob(ConcurrentTransitionMixin, TimeStampedModel):
    """One upload of a table (organisations, or a contest's jurors): its checked rows, then the
    import's progress and outcome. The import itself is all-or-nothing; `processed` only tells
    the person waiting how far it got."""

    class Kind(models.TextChoices):
        ORGANISATIONS = "organisations", _("Organisations")
        JURORS = "jurors", _("Jurors")

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("import state", "Failed")  # not a message's "not sent"

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    scope = models.CharField(max_length=64, blank=True, help_text="For jurors: contest:<id>.")
    state = FSMField(_("state"), default=State.PREVIEWED, choices=State.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="import_jobs"
    )
    file_kind = models.CharField(max_length=8, blank=True)
    rows = models.JSONField(default=list, blank=True, help_text="The rows read from the file.")
    numbers = models.JSONField(default=list, blank=True, help_text="Their line numbers in the file.")
    total = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    skip_rows = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    invited = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="Why the import failed, for people.")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 100

    @transition(field=state, source=State.PREVIEWED, target=State.QUEUED)
    def confirm(self):
        """Only a checked table without errors is queued; the service checks that."""

    @transition(field=state, source=State.QUEUED, target=State.RUNNING)
    def start(self):
        pass

    @transition(field=state, source=State.RUNNING, target=State.DONE)
    def finish(self):
        pass

    @transition(field=state, source=[State.QUEUED, State.RUNNING], target=State.FAILED)
    def fail(self):
        pass


class SecurityEvent(models.Model):
    """One line of the security log: who did what, when, from where. Append-only: the model
    refuses updates and deletes, and on PostgreSQL a trigger refuses them too (migration 0006).
    Written only through accounts.security_log.record()."""

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Login failed")
        LOCKED_OUT = "locked_out", _("Locked out after repeated failures")
        UNLOCKED = "unlocked", _("Unlocked by staff")
        LOGGED_OUT = "logged_out", _("Logged out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        OTP_ENROLLED = "otp_enrolled", _("Two-step verification set up")
        OTP_REMOVED = "otp_removed", _("Two-step verification removed")
        OTP_RESET = "otp_reset", _("Two-step verification reset by staff")
        OTP_FAILED = "otp_failed", _("Wrong verification code")
        RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        SESSIONS_ENDED = "sessions_ended", _("Other sessions and tokens ended")
        ROLE_GRANTED = "role_granted", _("Role granted")
        ROLE_REMOVED = "role_removed", _("Role removed")
        FILE_DOWNLOADED = "file_downloaded", _("Private file downloaded")
        BANK_DETAILS_CHANGED = "bank_details_changed", _("Bank details changed")
        DATA_EXPORTED = "data_exported", _("Personal data downloaded")
        ERASURE_REQUESTED = "erasure_requested", _("Erasure requested")
        PERSON_ERASED = "person_erased", _("Personal data erased")

    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=clock.now, db_index=True)
    # The account the event is about (None when a login names no known account).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="security_events",
    )
    # Who did it when not the person themself (staff unlocking, an organiser granting a role).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The address typed at a failed login, kept even when it names no account.
    email = models.CharField(_("e-mail address"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"]), models.Index(fields=["kind", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("The security log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The security log is append-only."))


class ErasureRequest(models.Model):
    """A person's request to erase their personal data (issue 16, point 8). Staff carry it out
    (accounts.privacy.erase_person) or refuse it with a reason; a person holding no records that
    must be kept is erased at once, and the request is recorded as done."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        DONE = "done", _("Erased")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure_requests"
    )
    requested_at = models.DateTimeField(_("requested"), default=clock.now)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REQUESTED)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(state="requested"), name="erasure_request_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_state_display()}"


class ApiToken(models.Model):
    """A named API key of one person: scoped, expiring, revocable, stored hashed (accounts.tokens
    issues and checks them; the raw key is shown once, at creation)."""

    class Scope(models.TextChoices):
        FULL = "full", _("Everything I may do")
        READ = "read", _("Read only")
        APPLICANT = "applicant", _("As an applicant")
        JUROR = "juror", _("As a juror")
        ORGANISER = "organiser", _("As an organiser")
        GRANTS = "grants", _("As a grant officer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    # SHA-256 of the whole key. The key is 256 random bits, not a password: nothing to guess, so
    # a fast hash is right (a slow one would only slow down every API request).
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    # Issued after a second factor (the session or the token it was made from had one).
    verified = models.BooleanField(_("after two-step verification"), default=False)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_name_unique_while_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= clock.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    def get_scopes_display(self) -> str:
        labels = dict(self.Scope.choices)
        return ", ".join(str(labels.get(scope, scope)) for scope in self.scopes)

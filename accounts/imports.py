"""Imports of tables: the job that carries an upload from its preview to its outcome, and the
organisations (libraries) import.

The flow, the same for every kind (the review app registers the jurors' importer):

1. `create_job()` reads the upload (core.tables), checks EVERY row with the importer's
   `preview()` and stores the rows and the counts on an ImportJob. Nothing else is written.
2. `confirm_job()` refuses a table with errors, else queues `run_import_job` (Celery; eager in
   embedded mode) on commit.
3. `run_job()` checks the rows again (the database may have changed since the preview) and
   writes them in ONE transaction: any failure leaves no row and sends no message, because
   messages are written to the outbox in the same transaction and delivered on commit. The
   job's progress is written on a separate database connection, so a page polling it sees the
   count grow while the import's own transaction is still open (PostgreSQL; SQLite runs the
   import eagerly inside the request and shows the outcome only).

Organisations: a row whose registry code (EDRPOU) or contact e-mail already belongs to an
organisation in the database is not an error: it is shown as "exists — will be skipped", so a
corrected file can be uploaded again without creating twins. Duplicates inside the file are
errors (the later row names the first). The contact person becomes the organisation's
administrator: an existing account at once, an unknown e-mail by an invitation that makes its
acceptor the administrator.
"""

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import (
    ImportJob,
    Invitation,
    Membership,
    Organisation,
    User,
    phone_validator,
    validate_registry_code_checksum,
)
from accounts.regions import Region
from accounts.services import send_invitations
from core import clock
from core.exceptions import TransitionRefused
from core.tables import Column, read_table

log = logging.getLogger(__name__)

BATCH = 500
LOOKUP_CHUNK = 2000


class ImportRefused(Exception):
    """The rows cannot be imported as they are; `errors` say why, for people."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class RowResult:
    """One row of the file after checking: what it said, what will be written, what is wrong."""

    number: int
    values: dict[str, str]
    clean: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    skip: str = ""  # why an otherwise good row will not be written (it already exists)

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(str(message))

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"number": self.number, "values": self.values, "errors": self.errors, "skip": self.skip}


Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportPages:
    """Where an import's pages lead: back to its upload page, and on once it is done. The importer
    names them, so the shared import pages never name a higher app's page."""

    upload_url: str
    upload_label: str
    done_url: str
    done_label: str
    created_label: str  # what the import's "created" counts


class Importer(Protocol):
    kind: str

    def pages(self, scope: str) -> ImportPages: ...

    def columns(self) -> list[Column]: ...

    def preview(self, rows: list[dict[str, str]], numbers: list[int], *, scope: str) -> list[RowResult]: ...

    def write(self, results: list[RowResult], *, scope: str, by: User | None, progress: Progress) -> dict: ...


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.kind] = importer
    return importer


# --- helpers shared by the importers -------------------------------------------------------------


IMPORT_LANGUAGES = ("en", "uk", "ru")


@functools.cache
def uncompiled_labels(language: str, locale_paths: tuple[str, ...]) -> dict[str, str]:
    """Source text → translation from the language's .po files that have no compiled .mo beside
    them (a fresh clone before `make messages`): gettext cannot see those, and an import must
    still know "Публічна бібліотека". Read once per process, only when a .mo is missing."""
    labels: dict[str, str] = {}
    for root in locale_paths:
        folder = Path(root) / language / "LC_MESSAGES"
        if (folder / "django.po").exists() and not (folder / "django.mo").exists():
            import polib  # only here: a deployment always has its catalogues compiled

            for entry in polib.pofile(str(folder / "django.po")):
                # As compilemessages would: no fuzzy or obsolete entries, no contexts.
                if entry.msgstr and not (entry.fuzzy or entry.obsolete or entry.msgctxt):
                    labels.setdefault(entry.msgid, entry.msgstr)
    return labels


def label_in(label: Any, language: str) -> str:
    """A choice's label in `language` whether or not its catalogue is compiled (gettext's
    translation, else the .po file's), whichever language is active."""
    with translation.override(language):
        text = str(label)
    with translation.override(None):
        source = str(label)
    if text == source:  # not translated by gettext: maybe the catalogue is not compiled
        paths = tuple(str(path) for path in settings.LOCALE_PATHS)
        text = uncompiled_labels(language, paths).get(source, source)
    return text


def choice_lookup(choices: Iterable[tuple[str, Any]], *, strip: Iterable[str] = ()) -> dict[str, str]:
    """Stored value or label (English, Ukrainian, Russian), any case → value; `strip` drops words
    such as "oblast" so that "Полтавська" finds "Полтавська область". Never depends on the active
    language or on compiled catalogues (`label_in`)."""
    lookup: dict[str, str] = {}
    choices = list(choices)
    for language in IMPORT_LANGUAGES:
        for value, label in choices:
            for text in (value, label_in(label, language)):
                key = text.casefold().strip()
                lookup.setdefault(key, value)
                for word in strip:
                    lookup.setdefault(key.replace(word, "").strip(" ()"), value)
    return lookup


REGION_WORDS = ("oblast", "область", "(city)", "(місто)", "(город)", "city", "місто")


def check_length(result: RowResult, key: str, value: str, limit: int | None) -> None:
    if limit and len(value) > limit:
        result.error(
            key,
            _("Too long: %(length)d characters, at most %(limit)d.") % {"length": len(value), "limit": limit},
        )


def check_email(result: RowResult, key: str, value: str) -> str:
    value = value.strip().lower()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            result.error(key, _("Not a valid e-mail address."))
    return value


def chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_users(emails: Iterable[str]) -> dict[str, User]:
    """Accounts by lower-case e-mail, in one query per LOOKUP_CHUNK addresses."""
    found: dict[str, User] = {}
    for part in chunks(sorted({e for e in emails if e})):
        for user in User.objects.annotate(lower=Lower("email")).filter(lower__in=part):
            found[user.email.lower()] = user
    return found


# --- organisations -----------------------------------------------------------------------------


def _field_limit(name: str) -> int | None:
    return Organisation._meta.get_field(name).max_length


class OrganisationImporter:
    kind = ImportJob.Kind.ORGANISATIONS

    def pages(self, scope: str) -> ImportPages:
        return ImportPages(
            upload_url=reverse("accounts:organisations_import"),
            upload_label=_("Back to the organisations' import"),
            done_url=reverse("accounts:organisations"),
            done_label=_("See the organisations"),
            created_label=_("Organisations created"),
        )

    def columns(self) -> list[Column]:
        return [
            Column(
                "name", _("Name"), ("назва", "найменування", "name"), True, "Вигадана публічна бібліотека"
            ),
            Column(
                "kind",
                _("Kind"),
                ("тип", "вид", "kind", "type"),
                False,
                str(Organisation.Kind.PUBLIC_LIBRARY.label),
            ),
            Column(
                "region",
                _("Region"),
                ("область", "регіон", "region", "oblast"),
                True,
                str(Region.POLTAVA.label),
            ),
            Column(
                "settlement",
                _("Settlement"),
                ("населений пункт", "місто", "settlement", "city"),
                True,
                "Вигадане",
            ),
            Column("address", _("Address"), ("адреса", "address"), False, "вул. Вигадана, 1"),
            Column(
                "registry_code",
                _("EDRPOU code"),
                ("код єдрпоу", "єдрпоу", "код", "edrpou", "edrpou code", "registry code"),
                False,
                "12345678",
            ),
            Column(
                "website",
                _("Website"),
                ("вебсайт", "сайт", "website", "web site"),
                False,
                "https://library.example.org",
            ),
            Column(
                "email",
                _("E-mail"),
                ("електронна пошта", "е-пошта", "email", "e-mail"),
                True,
                "library@example.org",
            ),
            Column("phone", _("Phone"), ("телефон", "phone"), False, "+380 00 000 00 00"),
            Column(
                "contact_email",
                _("Contact person's e-mail"),
                ("е-пошта контактної особи", "пошта контактної особи", "contact email", "contact e-mail"),
                False,
                "contact@example.org",
            ),
            Column(
                "contact_name",
                _("Contact person's full name"),
                (
                    "пiб контактної особи",
                    "піб контактної особи",
                    "контактна особа",
                    "contact name",
                    "contact person",
                ),
                False,
                "Вигадана Олена Петрівна",
            ),
        ]

    def preview(self, rows: list[dict[str, str]], numbers: list[int], *, scope: str = "") -> list[RowResult]:
        kinds = choice_lookup(Organisation.Kind.choices)
        regions = choice_lookup(Region.choices, strip=REGION_WORDS)
        url = URLValidator()
        results = []
        for number, values in zip(numbers, rows, strict=True):
            result = RowResult(number, values)
            v = {key: values.get(key, "").strip() for key in (c.key for c in self.columns())}
            for key in ("name", "region", "settlement", "email"):
                if not v[key]:
                    result.error(key, _("Required."))
            for key in ("name", "settlement", "address", "website", "phone"):
                check_length(result, key, v[key], _field_limit(key))
            kind = kinds.get(v["kind"].casefold(), "") if v["kind"] else Organisation.Kind.PUBLIC_LIBRARY
            if not kind:
                result.error("kind", _("Unknown kind “%(value)s”.") % {"value": v["kind"]})
            region = regions.get(v["region"].casefold(), "") if v["region"] else ""
            if v["region"] and not region:
                result.error("region", _("Unknown region “%(value)s”.") % {"value": v["region"]})
            code = v["registry_code"].replace(" ", "")
            if code.isdigit() and 5 <= len(code) < 8:
                code = code.zfill(8)  # a spreadsheet dropped the leading zeros
            if code:
                try:
                    for validator in Organisation._meta.get_field("registry_code").validators:
                        validator(code)
                    validate_registry_code_checksum(code)
                except ValidationError as error:
                    for message in error.messages:
                        result.error("registry_code", message)
            email = check_email(result, "email", v["email"])
            check_length(result, "email", email, _field_limit("email"))
            website = v["website"]
            if website and "://" not in website:
                website = "https://" + website
            if website:
                try:
                    url(website)
                except ValidationError:
                    result.error("website", _("Not a valid web address."))
            if v["phone"]:
                try:
                    phone_validator(v["phone"])
                except ValidationError as error:
                    result.error("phone", error.messages[0])
            contact_email = check_email(result, "contact_email", v["contact_email"])
            if contact_email and not v["contact_name"]:
                result.error("contact_name", _("Give the contact person's name with their e-mail."))
            if v["contact_name"] and not contact_email:
                result.error("contact_email", _("Give the contact person's e-mail with their name."))
            check_length(
                result, "contact_name", v["contact_name"], User._meta.get_field("full_name").max_length
            )
            result.clean = {
                "name": v["name"],
                "kind": kind,
                "region": region,
                "settlement": v["settlement"],
                "address": v["address"],
                "registry_code": code,
                "website": website,
                "email": email,
                "phone": v["phone"],
                "contact_email": contact_email,
                "contact_name": v["contact_name"],
            }
            results.append(result)
        self._duplicates(results)
        return results

    def _duplicates(self, results: list[RowResult]) -> None:
        first_code: dict[str, int] = {}
        first_email: dict[str, int] = {}
        for result in results:
            code, email = result.clean["registry_code"], result.clean["email"]
            if code and code in first_code:
                result.error(
                    "registry_code", _("The same code as in row %(row)d.") % {"row": first_code[code]}
                )
            elif code and "registry_code" not in result.errors:
                first_code[code] = result.number
            if email and email in first_email:
                result.error("email", _("The same e-mail as in row %(row)d.") % {"row": first_email[email]})
            elif email and "email" not in result.errors:
                first_email[email] = result.number
        by_code: dict[str, str] = {}
        for part in chunks(list(first_code)):
            by_code |= dict(
                Organisation.objects.filter(registry_code__in=part).values_list("registry_code", "name")
            )
        by_email: dict[str, str] = {}
        for part in chunks(list(first_email)):
            by_email |= dict(
                Organisation.objects.annotate(lower=Lower("email"))
                .filter(lower__in=part)
                .values_list("lower", "name")
            )
        for result in results:
            name = by_code.get(result.clean["registry_code"]) or by_email.get(result.clean["email"])
            if name:
                result.skip = _("Exists as “%(name)s” — will be skipped.") % {"name": name}

    def write(
        self, results: list[RowResult], *, scope: str = "", by: User | None, progress: Progress
    ) -> dict:
        fresh = [r for r in results if not r.skip]
        contacts = existing_users(r.clean["contact_email"] for r in fresh)
        created = invited = 0
        for batch in chunks(fresh, BATCH):
            organisations = Organisation.objects.bulk_create([build_organisation(r) for r in batch])
            memberships, invitations = [], []
            for result, organisation in zip(batch, organisations, strict=True):
                email = result.clean["contact_email"]
                if not email:
                    continue
                if email in contacts:
                    memberships.append(
                        Membership(user=contacts[email], organisation=organisation, is_admin=True)
                    )
                else:
                    invitations.append(
                        Invitation(
                            organisation=organisation,
                            email=email,
                            full_name=result.clean["contact_name"],
                            as_admin=True,
                            invited_by=by,
                        )
                    )
            Membership.objects.bulk_create(memberships)
            invitations = Invitation.objects.bulk_create(invitations)
            invited += send_invitations(invitations, by=by)
            created += len(organisations)
            progress(created)
        return {"created": created, "invited": invited}


def build_organisation(result: RowResult) -> Organisation:
    """One row's organisation, unsaved (a seam for tests that force a failure mid-import)."""
    fields = {
        k: result.clean[k] for k in ("name", "kind", "region", "settlement", "address", "registry_code")
    }
    return Organisation(
        **fields, website=result.clean["website"], email=result.clean["email"], phone=result.clean["phone"]
    )


ORGANISATIONS = register(OrganisationImporter())


# --- the job -----------------------------------------------------------------------------------


def previewed_rows(job: ImportJob) -> list[RowResult]:
    return IMPORTERS[job.kind].preview(job.rows, job.numbers, scope=job.scope)


def create_job(kind: str, upload, *, by: User | None, scope: str = "") -> tuple[ImportJob, list[RowResult]]:
    """Read and check an upload; ValidationError if the file itself cannot be used."""
    importer = IMPORTERS[kind]
    table = read_table(upload, importer.columns())
    if not table.rows:
        raise ValidationError(_("The file has a header but no rows."))
    results = importer.preview(table.rows, table.numbers, scope=scope)
    job = ImportJob.objects.create(
        kind=kind,
        scope=scope,
        created_by=by,
        file_kind=table.kind,
        rows=table.rows,
        numbers=table.numbers,
        total=len(results),
        error_rows=sum(1 for r in results if not r.ok),
        skip_rows=sum(1 for r in results if r.ok and r.skip),
    )
    return job, results


def confirm_problems(job: ImportJob) -> list[str]:
    """Why a checked table cannot be imported yet, in the user's language."""
    if job.error_rows:
        return [_("Correct the rows with errors and upload the file again.")]
    return []


def confirm_job(job: ImportJob, *, by: User | None) -> ImportJob:
    from accounts.tasks import run_import_job

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        # Refusals of the step (409 by API, a message on the page), not bad input.
        if job.state != ImportJob.State.PREVIEWED:
            raise TransitionRefused([_("This import was already confirmed.")])
        if problems := confirm_problems(job):
            raise TransitionRefused(problems)
        job.confirm()
        job.save()
        run_import_job.delay_on_commit(job.pk)
    return job


class _ProgressWriter:
    """Writes `processed` on its own connection, outside the import's transaction (PostgreSQL)."""

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.connection = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, processed: int) -> None:
        if self.connection is None:
            return
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET processed = %s WHERE id = %s",
                    [processed, self.job_id],
                )
        except Exception:  # progress is a courtesy; the import goes on
            log.warning("Cannot record the progress of import %s", self.job_id, exc_info=True)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def run_job(job_id: int) -> ImportJob:
    """Import a confirmed job's rows, all or nothing, and record the outcome on the job."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ImportJob.State.QUEUED:
            return job
        job.start()
        job.save()
    importer = IMPORTERS[job.kind]
    progress = _ProgressWriter(job)
    outcome: dict = {}
    errors: list[str] = []
    try:
        outcome = import_rows(
            importer, job.rows, job.numbers, scope=job.scope, by=job.created_by, progress=progress
        )
    except ImportRefused as refused:
        errors = refused.errors
    except Exception:
        log.exception("Import %s failed", job_id)
        errors = [
            _("The import failed and nothing was written. Try again, or tell the site's administrators.")
        ]
    finally:
        progress.close()
    job.refresh_from_db()
    if errors:
        job.fail()
        job.errors = errors
        job.processed = 0
    else:
        job.finish()
        job.processed = job.total
        job.created = outcome.get("created", 0)
        job.invited = outcome.get("invited", 0)
    job.finished_at = clock.now()
    job.save()
    return job


def import_rows(
    importer: Importer,
    rows: list[dict[str, str]],
    numbers: list[int],
    *,
    scope: str = "",
    by: User | None,
    progress: Progress = lambda n: None,
) -> dict:
    """Check the rows again and write them in one transaction; ImportRefused if any is wrong."""
    with transaction.atomic():
        results = importer.preview(rows, numbers, scope=scope)
        bad = [r for r in results if not r.ok]
        if bad:
            raise ImportRefused(
                [
                    _("Row %(row)d: %(errors)s")
                    % {"row": r.number, "errors": "; ".join(m for ms in r.errors.values() for m in ms)}
                    for r in bad[:50]
                ]
            )
        return importer.write(results, scope=scope, by=by, progress=progress)

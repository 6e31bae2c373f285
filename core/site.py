"""Who runs this site: its name, operator, contacts, logo and the texts of the about, contacts,
accessibility and privacy pages (core.models.SiteSettings).

Each value comes from the staff page (or PATCH /api/v1/site/) if set there, else from the
deployment's settings (SITE_NAME, SITE_OPERATOR, SITE_OPERATOR_URL, SITE_CONTACT_EMAIL,
SITE_CONTACT_PHONE, SITE_CONTACT_ADDRESS), else the default: "Konkurs" is only the default name.
An empty page text shows the default text, translated. `current()` is cached in each process
(every page's header and footer read it); `save_site_settings()` changes a generation number in
the Django cache when its transaction commits, so with a shared cache (CACHE_URL) every process
sees the change on its next page, and otherwise within SITE_SETTINGS_CACHE_SECONDS.
"""

import contextlib
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction

from core.files import JPEG, PNG, generated_name, storing, validate_upload
from core.models import SiteSettings

GENERATION_KEY = "core:site-settings:generation"
LOGO_TYPES = (PNG, JPEG)
LOGO_CONTENT_TYPES = {PNG: "image/png", JPEG: "image/jpeg"}
# Fields whose empty value falls back to a setting of the deployment.
FROM_SETTINGS = {
    "site_name": "SITE_NAME",
    "operator": "SITE_OPERATOR",
    "operator_url": "SITE_OPERATOR_URL",
    "contact_email": "SITE_CONTACT_EMAIL",
    "contact_phone": "SITE_CONTACT_PHONE",
    "contact_address": "SITE_CONTACT_ADDRESS",
    "open_data_licence": "OPEN_DATA_LICENCE",
}
TEXTS = ("about_text", "contacts_text", "accessibility_text", "privacy_text")
EDITABLE = (*FROM_SETTINGS, *TEXTS)


@dataclass(frozen=True)
class SiteInfo:
    name: str
    operator: str
    operator_url: str
    contact_email: str
    contact_phone: str
    contact_address: str
    about_text: str
    contacts_text: str
    accessibility_text: str
    privacy_text: str
    open_data_licence: str  # an SPDX id (core.models.OpenDataLicence); awards.opendata uses it
    logo_version: str  # empty: no logo; else changes with each new logo (cache-busting URL)

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_version)

    @property
    def has_contacts(self) -> bool:
        return bool(self.contact_email or self.contact_phone or self.contact_address)


def default_value(field: str) -> str:
    default = "Konkurs" if field == "site_name" else ""
    return getattr(settings, FROM_SETTINGS[field], default) or default


@dataclass(frozen=True)
class _Memo:
    generation: str | None
    loaded_at: float
    row: dict | None  # the stored row's values, None without a row


_memo: _Memo | None = None


def _stored_values() -> dict | None:
    """The row's values, kept in this process until the generation in the (shared) cache changes,
    which a save does, or SITE_SETTINGS_CACHE_SECONDS pass (processes that share no cache)."""
    global _memo
    generation = cache.get(GENERATION_KEY)
    memo = _memo
    ttl = getattr(settings, "SITE_SETTINGS_CACHE_SECONDS", 300)
    if memo is not None and memo.generation == generation and time.monotonic() - memo.loaded_at < ttl:
        return memo.row
    try:
        row = SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).first()
    except DatabaseError:  # not migrated yet: the deployment's settings still apply
        row = None
    values = None
    if row is not None:
        values = {field: getattr(row, field) for field in EDITABLE}
        values["logo_version"] = f"{row.updated_at:%Y%m%d%H%M%S%f}" if row.logo else ""
    _memo = _Memo(generation, time.monotonic(), values)
    return values


def assume_empty() -> None:
    """Tests: every test starts without a stored row (the database is rolled back), so the first
    page of a test need not ask the database (tests/conftest.py, after clearing the cache)."""
    global _memo
    _memo = _Memo(cache.get(GENERATION_KEY), time.monotonic(), None)


def current() -> SiteInfo:
    """The site's settings as shown now: the stored value, else the deployment's setting, else
    the default (cached; a page pays no query for it)."""
    row = _stored_values() or {}
    values = {field: row.get(field) or default_value(field) for field in FROM_SETTINGS}
    values.update({field: row.get(field) or "" for field in TEXTS})
    return SiteInfo(name=values.pop("site_name"), logo_version=row.get("logo_version", ""), **values)


def _changed() -> None:
    global _memo
    _memo = None
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def stored() -> SiteSettings:
    """The row as staff edit it (empty fields stay empty: the form shows the defaults beside them)."""
    return SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).first() or SiteSettings(
        pk=SiteSettings.SINGLETON_PK
    )


def check_logo(upload: UploadedFile) -> str:
    """The logo's type (PNG or JPEG, read from its content) or ValidationError."""
    limit = getattr(settings, "SITE_LOGO_MAX_KB", 512) * 1024
    return validate_upload(upload, LOGO_TYPES, limit)


def save_site_settings(
    *, by, values: dict, logo: UploadedFile | None = None, remove_logo: bool = False
) -> SiteSettings:
    """Store what staff entered; a new logo is checked from its content first, so a refused file
    changes nothing. `values` holds any of EDITABLE."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    kind = check_logo(logo) if logo is not None else None
    with transaction.atomic():
        row = SiteSettings.objects.select_for_update().filter(pk=SiteSettings.SINGLETON_PK).first()
        row = row or SiteSettings(pk=SiteSettings.SINGLETON_PK)
        for field, value in values.items():
            setattr(row, field, (value or "").strip())
        row.full_clean(exclude=["logo"])
        old_logo = row.logo.name if row.logo else ""
        if kind is not None:
            with storing():
                row.logo.save(generated_name("site", logo.name, kind), logo, save=False)
            row.logo_type = kind
        elif remove_logo:
            row.logo = ""
            row.logo_type = ""
        row.save()
        if old_logo and old_logo != (row.logo.name if row.logo else ""):
            storage = SiteSettings._meta.get_field("logo").storage
            transaction.on_commit(lambda: _delete_quietly(storage, old_logo))
        # Now (this process reads its own write) and again once committed (the other processes,
        # which might have re-read the old row in between).
        _changed()
        transaction.on_commit(_changed)
    return row


def _delete_quietly(storage, name: str) -> None:
    with contextlib.suppress(Exception):  # an old logo left behind harms nobody
        storage.delete(name)

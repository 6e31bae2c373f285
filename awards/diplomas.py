"""Diplomas as PDF (WeasyPrint). The font is Debian's DejaVu (fonts-dejavu-core), found through
fontconfig and embedded, so Ukrainian prints the same on every machine."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from awards.models import Diploma


def verification_url(diploma: Diploma) -> str:
    return settings.SITE_URL + reverse("awards:verify_code", args=[diploma.code])


def pdf(diploma: Diploma, language: str | None = None) -> bytes:
    from weasyprint import HTML  # imported on use: loading Pango costs every other process time

    with translation.override(language or translation.get_language()):
        html = render_to_string(
            "awards/diploma_pdf.html", {"diploma": diploma, "verification_url": verification_url(diploma)}
        )
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()

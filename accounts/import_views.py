"""Web pages of the table imports: upload, preview with every row and its errors, confirm,
progress (polled by htmx) and result. The jurors' upload page lives in review; both end here."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts import imports
from accounts.models import ImportJob
from core.tables import template_csv_response, template_xlsx_response
from core.web import run_step, step_view


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Table (CSV or XLSX)"),
        help_text=gettext_lazy("The first row names the columns; at most 20,000 rows."),
    )


def upload_page(request: HttpRequest, *, kind: str, scope: str = "", context: dict) -> HttpResponse:
    """Shared by both kinds: read and check the upload, then show its preview."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job, _results = imports.create_job(kind, form.cleaned_data["file"], by=request.user, scope=scope)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            return redirect("accounts:import_job", pk=job.pk)
    columns = imports.IMPORTERS[kind].columns()
    return render(
        request,
        "accounts/import_upload.html",
        {"form": form, "columns": columns, **context},
        status=400 if form.errors else 200,
    )


def template_response(kind: str, fmt: str, filename: str) -> HttpResponse:
    columns = imports.IMPORTERS[kind].columns()
    if fmt == "xlsx":
        return template_xlsx_response(columns, f"{filename}.xlsx", str(ImportJob.Kind(kind).label))
    return template_csv_response(columns, f"{filename}.csv")


def _may_import_organisations(request: HttpRequest) -> None:
    if not request.user.has_perm("accounts.import_organisations"):
        raise PermissionDenied(_("Only staff and contest organisers may import organisations."))


@login_required
def organisations_import(request: HttpRequest) -> HttpResponse:
    _may_import_organisations(request)
    return upload_page(
        request,
        kind=ImportJob.Kind.ORGANISATIONS,
        context={
            "title": _("Import libraries and organisations"),
            "intro": _(
                "Upload a table of organisations. Every row is checked and shown before anything is saved; "
                "organisations already registered (same EDRPOU code or e-mail) are skipped. Each contact "
                "person becomes the organisation's administrator: people with an account at once, others "
                "by an e-mailed invitation."
            ),
            "template_csv": reverse("accounts:organisations_import_template_csv"),
            "template_xlsx": reverse("accounts:organisations_import_template_xlsx"),
        },
    )


@login_required
@require_safe
def organisations_template(request: HttpRequest, fmt: str) -> HttpResponse:
    _may_import_organisations(request)
    return template_response(ImportJob.Kind.ORGANISATIONS, fmt, "organisations-template")


def _job(request: HttpRequest, pk: int) -> ImportJob:
    """Only its author (or staff) sees an import: 404 for others."""
    jobs = ImportJob.objects.all()
    if not request.user.is_staff:
        jobs = jobs.filter(created_by=request.user)
    return get_object_or_404(jobs, pk=pk)


def _job_context(job: ImportJob) -> dict:
    return {"job": job, "pages": imports.IMPORTERS[job.kind].pages(job.scope)}


@login_required
@require_safe
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = _job_context(job)
    if job.state == ImportJob.State.PREVIEWED:
        importer = imports.IMPORTERS[job.kind]
        results = imports.previewed_rows(job)  # against the database as it is now
        context |= {
            "columns": importer.columns(),
            "rows": [
                {
                    "number": r.number,
                    "skip": r.skip,
                    "ok": r.ok,
                    "cells": [
                        {"key": c.key, "value": r.values.get(c.key, ""), "errors": r.errors.get(c.key, [])}
                        for c in importer.columns()
                    ],
                }
                for r in results
            ],
            "bad": sum(1 for r in results if not r.ok),
            "skipped": sum(1 for r in results if r.ok and r.skip),
        }
        context["good"] = job.total - context["bad"] - context["skipped"]
    return render(request, "accounts/import_job.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run_step(request, _job(request, pk), "confirm", data={})
    return redirect("accounts:import_job", pk=pk)


@login_required
@require_safe
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress alone, for htmx polling; 286 tells htmx to stop when the import ended."""
    job = _job(request, pk)
    if not request.htmx:
        return redirect("accounts:import_job", pk=pk)
    return render(
        request,
        "accounts/partials/import_progress.html",
        _job_context(job),
        status=200 if job.is_active else 286,
    )


# Any step of an import (core.steps), from its page.
import_step = step_view(_job, lambda job: reverse("accounts:import_job", args=[job.pk]))

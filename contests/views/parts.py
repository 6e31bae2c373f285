"""Nominations, criteria and questions of a contest, added and changed by its organisers."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contests import services
from contests.forms import (
    CriterionForm,
    FormFieldForm,
    NominationForm,
)
from contests.models import Contest, Criterion, FormField, Nomination
from contests.views.access import contest_for
from core.web import add_errors

PARTS = {
    "nominations": (Nomination, NominationForm, gettext_lazy("Nominations")),
    "criteria": (Criterion, CriterionForm, gettext_lazy("Evaluation criteria")),
    "form-fields": (FormField, FormFieldForm, gettext_lazy("Application form")),
}


@dataclass(frozen=True)
class PartTexts:
    """Whole sentences per kind: Ukrainian nouns change their endings, so no noun is spliced in."""

    add: str
    edit: str
    remove: str
    added: str
    saved: str


PART_TEXTS = {
    "nominations": PartTexts(
        gettext_lazy("Add a nomination"),
        gettext_lazy("Edit the nomination"),
        gettext_lazy("Remove the nomination"),
        gettext_lazy("The nomination was added."),
        gettext_lazy("The nomination was saved."),
    ),
    "criteria": PartTexts(
        gettext_lazy("Add a criterion"),
        gettext_lazy("Edit the criterion"),
        gettext_lazy("Remove the criterion"),
        gettext_lazy("The criterion was added."),
        gettext_lazy("The criterion was saved."),
    ),
    "form-fields": PartTexts(
        gettext_lazy("Add a question"),
        gettext_lazy("Edit the question"),
        gettext_lazy("Remove the question"),
        gettext_lazy("The question was added."),
        gettext_lazy("The question was saved."),
    ),
}


def parts_section(contest: Contest, kind: str, form=None) -> dict:
    model, form_class, title = PARTS[kind]
    parts = model.objects.filter(contest=contest).order_by("order", "pk")
    if kind != "nominations":
        parts = parts.select_related("nomination")
    return {
        "kind": kind,
        "title": title,
        "add_label": PART_TEXTS[kind].add,
        "parts": parts,
        "form": form or form_class(contest=contest, prefix=f"new-{kind}"),
        "contest": contest,
        "finished": contest.is_finished,
    }


def _part_kind(kind: str):
    if kind not in PARTS:
        raise Http404
    return PARTS[kind]


@login_required
def part_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    model, form_class, _title = _part_kind(kind)
    contest = contest_for(request, pk)
    form = form_class(request.POST or None, contest=contest, prefix=f"new-{kind}")
    return _save_part_form(request, contest, kind, form, model(contest=contest))


@login_required
def part_edit(request: HttpRequest, pk: int, kind: str, part_pk: int) -> HttpResponse:
    model, form_class, _title = _part_kind(kind)
    contest = contest_for(request, pk)
    part = get_object_or_404(model, pk=part_pk, contest=contest)
    editable = model.objects.get(pk=part.pk)  # the form changes its instance while validating
    form = form_class(request.POST or None, contest=contest, instance=editable, prefix="part")
    return _save_part_form(request, contest, kind, form, part)


def _save_part_form(request, contest, kind, form, part) -> HttpResponse:
    adding = part.pk is None
    if request.method == "POST" and form.is_valid():
        try:
            services.save_part(part, **form.service_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            message = str(PART_TEXTS[kind].added if adding else PART_TEXTS[kind].saved)
            if request.htmx and adding:
                return render(
                    request,
                    "contests/partials/parts_section.html",
                    {"section": parts_section(contest, kind), "saved_message": message},
                )
            messages.success(request, message)
            return redirect(reverse("contests:manage", args=[contest.pk]) + f"#{kind}")
    if request.htmx and adding and request.method == "POST":
        return render(
            request, "contests/partials/parts_section.html", {"section": parts_section(contest, kind, form)}
        )
    return render(
        request,
        "contests/part_form.html",
        {
            "contest": contest,
            "form": form,
            "kind": kind,
            "part": None if adding else part,
            "texts": PART_TEXTS[kind],
        },
    )


@login_required
def part_delete(request: HttpRequest, pk: int, kind: str, part_pk: int) -> HttpResponse:
    model, _form_class, _title = _part_kind(kind)
    contest = contest_for(request, pk)
    part = get_object_or_404(model, pk=part_pk, contest=contest)
    if request.method == "POST":
        try:
            services.delete_part(part)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("“%(thing)s” was removed.") % {"thing": part})
        return redirect(reverse("contests:manage", args=[contest.pk]) + f"#{kind}")
    return render(
        request,
        "contests/part_delete.html",
        {"contest": contest, "part": part, "kind": kind, "texts": PART_TEXTS[kind]},
    )

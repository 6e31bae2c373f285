"""Classifiers, built by organisers and attached to contests from the contest's edit page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from contests import services
from contests.forms import ClassifierForm
from contests.models import Classifier
from core.web import add_errors


def _allowed(request: HttpRequest, perm: str, classifier: Classifier | None = None) -> None:
    if not request.user.has_perm(perm, classifier):
        raise PermissionDenied(_("You may not change this classifier."))


@login_required
@require_safe
def classifier_list(request: HttpRequest) -> HttpResponse:
    _allowed(request, "contests.add_classifier")
    classifiers = Classifier.objects.prefetch_related("contests").order_by("title", "pk")
    rows = [
        (classifier, request.user.has_perm("contests.change_classifier", classifier))
        for classifier in classifiers
    ]
    return render(request, "contests/classifiers.html", {"rows": rows})


@login_required
def classifier_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    classifier = get_object_or_404(Classifier, pk=pk) if pk is not None else None
    _allowed(request, "contests.change_classifier" if classifier else "contests.add_classifier", classifier)
    form = ClassifierForm(request.POST or None, classifier=classifier)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_classifier(classifier, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The classifier was saved.") if classifier else _("The classifier was created."),
            )
            return redirect("contests:classifier_edit", pk=saved.pk)
    return render(
        request,
        "contests/classifier_form.html",
        {
            "form": form,
            "classifier": classifier,
            "may_delete": classifier is not None
            and request.user.has_perm("contests.delete_classifier", classifier),
        },
        status=400 if form.errors else 200,
    )


@login_required
def classifier_delete(request: HttpRequest, pk: int) -> HttpResponse:
    classifier = get_object_or_404(Classifier, pk=pk)
    _allowed(request, "contests.delete_classifier", classifier)
    problems = services.classifier_delete_problems(classifier)
    if request.method == "POST" and not problems:
        services.delete_classifier(classifier)
        messages.success(request, _("“%(thing)s” was removed.") % {"thing": classifier})
        return redirect("contests:classifiers")
    return render(
        request,
        "contests/classifier_delete.html",
        {"classifier": classifier, "problems": problems},
        status=409 if request.method == "POST" and problems else 200,
    )

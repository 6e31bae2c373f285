"""The web door to the steps of core.steps: one runner, one way to show a refusal."""

from collections.abc import Callable
from functools import cache
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import serializers

from core.exceptions import TransitionRefused
from core.forms import DateInput
from core.steps import Refusal, Step, catalogue_of, fresh

# What a service may raise when it refuses; every page catches these and nothing else.
REFUSALS = (TransitionRefused, TransitionNotAllowed, ConcurrentTransition, ValidationError, Refusal)


def reasons_of(error: Exception) -> list[str]:
    """What the person should read about a refusal, in their language."""
    if isinstance(error, Refusal):
        return error.messages
    if isinstance(error, TransitionRefused):
        return error.reasons
    if isinstance(error, ValidationError):
        return error.messages
    if isinstance(error, ConcurrentTransition):
        return [_("Someone changed this at the same moment. Reload and try again.")]
    return [_("This step is not possible from the current state. Reload the page and check.")]


def tell_refused(request: HttpRequest, error: Exception) -> None:
    for reason in reasons_of(error):
        messages.error(request, reason)


def add_errors(form: forms.BaseForm, error: Exception) -> None:
    """A refusal on the form: field errors next to their fields (a ValidationError keeps its
    codes), the rest on top. Every page puts a service's refusal on its form through this."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return
    if isinstance(error, Refusal) and error.errors:
        for name, errors in error.errors.items():
            form.add_error(name if name in form.fields else None, errors)
        for reason in error.reasons:
            form.add_error(None, reason)
        return
    for reason in reasons_of(error):
        form.add_error(None, reason)


# --- running a step from a form ------------------------------------------------------------------


def step_data(request: HttpRequest, step: Step) -> dict[str, Any]:
    """The step's input from a form rendered by `{% steps %}` (fields prefixed with the step)."""
    prefix = f"{step.name}-"
    return {key[len(prefix) :]: value for key, value in request.POST.items() if key.startswith(prefix)}


def run_step(
    request: HttpRequest,
    obj: models.Model,
    name: str,
    data: dict | None = None,
    *,
    form: forms.BaseForm | None = None,
    at: dict[str, str] | None = None,
) -> bool:
    """Run step `name` on `obj` for the person: the catalogue's permission (403), input and
    service, as in the API. True when it ran.

    Without `form` the outcome goes into the page's messages. A page with its own form for the
    step (a payment, a signed agreement) passes it: a refusal then lands on the form, field errors
    next to their fields (`at` moves a guard's reason next to a field: {reason: field}), and the
    page says the outcome itself.
    """
    catalogue = catalogue_of(obj)
    if name not in catalogue:
        raise Http404
    step = catalogue[name]
    try:
        catalogue.run(obj, name, user=request.user, data=step_data(request, step) if data is None else data)
    except Refusal as refusal:
        if refusal.kind == "forbidden":
            raise PermissionDenied(refusal.detail) from None
        if form is not None:
            for reason in [r for r in refusal.reasons if at and r in at]:
                refusal.errors.setdefault(at[reason], []).append(reason)
                refusal.reasons.remove(reason)
            add_errors(form, refusal)
            return False
        messages.error(request, _("“%(step)s” was refused:") % {"step": step.label})
        for line in refusal.messages[1:] or refusal.messages:
            messages.error(request, line)
        return False
    if form is None:
        # The state now, from a copy of its own (a service may have moved a locked copy).
        state = getattr(fresh(obj), f"get_{catalogue.state_field}_display")()
        done = step.done or _("Done: %(step)s. Now: %(state)s.") % {"step": step.label, "state": state}
        messages.success(request, done)
    return True


def next_url(request: HttpRequest) -> str | None:
    """A safe `next` the form asked to return to."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def step_view(
    load: Callable[[HttpRequest, int], models.Model], back: Callable[[models.Model], str]
) -> Callable[..., HttpResponse]:
    """The POST view running any step of the object `load` finds (404 outside the person's
    scope), then returning to `next` or to `back(obj)`."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
        obj = load(request, pk)
        run_step(request, obj, name.replace("-", "_"))
        return redirect(next_url(request) or back(obj))

    return view


# --- the step's input as a Django form, for rendering ----------------------------------------------


def _form_field(field: serializers.Field) -> forms.Field:
    common = {"label": field.label, "help_text": field.help_text or "", "required": field.required}
    if isinstance(field, serializers.BooleanField):
        return forms.BooleanField(**{**common, "required": False})
    if isinstance(field, serializers.DateTimeField):  # a wall-clock time: the step says in which zone
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"), **common
        )
    if isinstance(field, serializers.DateField):
        return forms.DateField(widget=DateInput(), **common)
    if isinstance(field, serializers.DecimalField):
        return forms.DecimalField(**common)
    if isinstance(field, serializers.ChoiceField):
        blank = [("", "—")]  # a required choice is made by the person, never preselected
        return forms.ChoiceField(choices=blank + list(field.choices.items()), **common)
    if isinstance(field, serializers.IntegerField):
        return forms.IntegerField(**common)
    long_text = field.style.get("base_template") == "textarea.html"
    widget = forms.Textarea(attrs={"rows": 2}) if long_text else forms.TextInput
    return forms.CharField(widget=widget, max_length=getattr(field, "max_length", None), **common)


@cache
def form_class(input_class: type[serializers.Serializer]) -> type[forms.Form]:
    fields = {name: _form_field(f) for name, f in input_class().fields.items() if not f.read_only}
    return type(f"{input_class.__name__}Form", (forms.Form,), fields)


def step_form(step: Step, obj: models.Model | None = None) -> forms.Form:
    """The step's fields, named `<step>-<field>`. Given the object (a row of a list: a grant's
    tranches), the ids carry it, so they stay unique on the page."""
    auto_id = f"id_{obj._meta.model_name}{obj.pk}_%s" if obj is not None else "id_%s"
    return form_class(step.input)(prefix=step.name, auto_id=auto_id)

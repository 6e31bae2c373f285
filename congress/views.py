"""The web door onto congress events: the public list and programme; the organisers' events,
the choice of cases to invite, answers, the programme's order and exports; a library's own
invitations with their confirm and decline buttons (core.steps, the same as the API's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress import exports, selectors, services
from congress.forms import CaseFilterForm, EventForm, InvitationForm, InviteForm
from congress.models import Event, Invitation
from core import exports as sheets
from core.exceptions import TransitionRefused
from core.web import add_errors, step_view

PAGE_SIZE = 30


# --- public --------------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_events(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "congress/public_list.html",
        {"page_obj": page, "may_add": request.user.has_perm("congress.add_event")},
    )


def programme(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(selectors.events_visible_to(request.user), pk=pk)
    return render(
        request,
        "congress/programme.html",
        {"event": event, "presenters": selectors.programme(event), "preview": not event.is_public},
    )


# --- organisers ----------------------------------------------------------------------------------


def _managed(request: HttpRequest, pk: int) -> Event:
    """An event the person organises (404 for anyone else, whatever its state)."""
    try:
        return selectors.events_managed_by(request.user).get(pk=pk)
    except Event.DoesNotExist:
        raise Http404 from None


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    events = selectors.events_managed_by(request.user).order_by("-starts_at", "-pk")
    contest = request.GET.get("contest", "")
    if contest.isdigit():
        events = events.filter(contest_id=int(contest))
    return render(
        request,
        "congress/manage.html",
        {"events": events, "may_add": request.user.has_perm("congress.add_event")},
    )


def _event_form_page(request: HttpRequest, event: Event | None) -> HttpResponse:
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if event is None:
                event = services.create_event(by=request.user, **data)
                messages.success(request, _("The event is created. Now invite the cases to present."))
            else:
                services.update_event(Event.objects.get(pk=event.pk), by=request.user, **data)
                messages.success(request, _("The event is saved."))
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("congress:event", event.pk)
    return render(
        request,
        "congress/event_form.html",
        {"form": form, "event": event},
        status=400 if form.errors else 200,
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("congress.add_event"):
        raise PermissionDenied(_("Only organisers create events."))
    return _event_form_page(request, None)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    if not request.user.has_perm("congress.change_event", event):
        raise PermissionDenied
    return _event_form_page(request, event)


@login_required
def event(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    invitations = list(selectors.invitations_of_event(event))
    counts = dict.fromkeys(Invitation.State.values, 0)
    for invitation in invitations:
        counts[invitation.state] += 1
    return render(
        request,
        "congress/event.html",
        {
            "event": event,
            "invitations": invitations,
            "counts": [(label, counts[value]) for value, label in Invitation.State.choices],
        },
    )


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = _managed(request, pk)
    if not request.user.has_perm("congress.delete_event", event):
        raise PermissionDenied
    try:
        services.delete_event(event, by=request.user)
    except TransitionRefused as error:
        messages.error(request, error.reasons[0])
        return redirect("congress:event", pk)
    messages.success(request, _("The event is deleted."))
    return redirect("congress:manage")


@login_required
def cases(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick published cases (filtered by contest, region, category) and invite their libraries."""
    event = _managed(request, pk)
    if not request.user.has_perm("congress.invite", event):
        raise PermissionDenied
    filters = CaseFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    contest = chosen.get("contest")
    candidates = selectors.candidates(
        event,
        contest=contest.pk if contest else None,
        region=chosen.get("region", ""),
        category=chosen.get("category"),
    )
    form = InviteForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.invite(
                event,
                form.cleaned_data["practices"],
                by=request.user,
                respond_by=form.cleaned_data["respond_by"],
                topic=form.cleaned_data["topic"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("%(count)d libraries are invited and told by e-mail.") % {"count": len(created)}
            )
            return redirect("congress:event", event.pk)
    return render(
        request,
        "congress/cases.html",
        {"event": event, "filters": filters, "form": form},
        status=400 if form.errors else 200,
    )


def _managed_invitation(request: HttpRequest, pk: int) -> Invitation:
    invitation = get_object_or_404(selectors.invitations_visible_to(request.user), pk=pk)
    if not request.user.has_perm("congress.change_invitation", invitation):
        raise Http404
    return invitation


@login_required
def invitation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _managed_invitation(request, pk)
    initial = {"topic": invitation.topic, "slot_starts_at": invitation.slot_starts_at}
    form = InvitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_invitation(invitation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The invitation is saved."))
            return redirect("congress:event", invitation.event_id)
    return render(
        request,
        "congress/invitation_form.html",
        {"invitation": invitation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _managed_invitation(request, pk)
    services.move(invitation, by=request.user, up=request.POST.get("direction") == "up")
    return redirect(reverse("congress:event", args=[invitation.event_id]) + f"#invitation-{invitation.pk}")


@login_required
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    event = _managed(request, pk)
    sheet = exports.PresentersSheet(event)
    if fmt == "csv":
        return sheets.csv_sheet_response(sheet, exports.filename(event, "csv"))
    if fmt == "xlsx":
        return sheets.xlsx_sheet_response(sheet, exports.filename(event, "xlsx"), _("Presenters"))
    raise Http404


event_step = step_view(
    lambda request, pk: _managed(request, pk), lambda e: reverse("congress:event", args=[e.pk])
)


# --- libraries -----------------------------------------------------------------------------------


@login_required
def invitations(request: HttpRequest) -> HttpResponse:
    """The invitations to the person's libraries, with the buttons to answer them."""
    mine = (
        selectors.invitations_visible_to(request.user)
        .filter(organisation__memberships__user=request.user)
        .order_by("-event__starts_at", "position", "pk")
    )
    return render(request, "congress/invitations.html", {"invitations": mine})


def _visible_invitation(request: HttpRequest, pk: int) -> Invitation:
    return get_object_or_404(selectors.invitations_visible_to(request.user), pk=pk)


def _back_from_invitation(invitation: Invitation) -> str:
    return reverse("congress:invitations")


invitation_step = step_view(_visible_invitation, _back_from_invitation)

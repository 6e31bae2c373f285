"""The web door onto mailings: the organiser's list, compose and edit (three language fieldsets and
the audience), the mailing's page (preview with the count, send with confirmation, progress polled
by htmx), the recipients and their CSV; and the public subscribe, confirm and unsubscribe pages."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contests.models import Contest, ContestRole
from core.exceptions import TransitionRefused
from core.exports import Batched, chunked, csv_sheet_response
from core.web import add_errors, step_view
from mailings import selectors, services
from mailings.audience import describe
from mailings.forms import LANGUAGE_FIELDSETS, MailingForm, SubscribeForm
from mailings.models import Mailing, MailingRecipient


def _mailing(request: HttpRequest, pk: int) -> Mailing:
    try:
        return selectors.mailings_visible_to(request.user).get(pk=pk)
    except Mailing.DoesNotExist:
        raise Http404 from None


def _organised(user: Any) -> list[Contest]:
    return list(
        Contest.objects.filter(roles__user=user, roles__role=ContestRole.Role.ORGANISER)
        .distinct()
        .order_by("-pk")
    )


@login_required
def mailing_list(request: HttpRequest, contest_pk: int | None = None) -> HttpResponse:
    contest = None
    mailings = selectors.mailings_visible_to(request.user).order_by("-pk")
    if contest_pk is not None:
        contest = get_object_or_404(Contest, pk=contest_pk)
        if not request.user.has_perm("mailings.add_mailing", contest):
            raise PermissionDenied(_("Only the contest's organisers manage its mailings."))
        mailings = mailings.filter(contest=contest)
    elif not (selectors.may_mail_site_wide(request.user) or _organised(request.user)):
        raise PermissionDenied(_("Mailings are sent by the organisers of contests."))
    page = Paginator(mailings, 25).get_page(request.GET.get("page"))
    context = {
        "contest": contest,
        "page": page,
        "site_wide": selectors.may_mail_site_wide(request.user),
        "organised": _organised(request.user) if contest is None else [],
    }
    return render(request, "mailings/list.html", context)


def _fieldsets(form: MailingForm) -> list[tuple[str, Any, Any]]:
    return [(label, form[f"subject_{code}"], form[f"body_{code}"]) for code, label in LANGUAGE_FIELDSETS]


def _compose(request: HttpRequest, *, owner: Contest | None, mailing: Mailing | None) -> HttpResponse:
    contests = (
        [owner]
        if owner is not None
        else (
            list(Contest.objects.order_by("-pk")[:200]) if request.user.is_staff else _organised(request.user)
        )
    )
    initial = MailingForm.initial_of(mailing) if mailing is not None else {}
    form = MailingForm(request.POST or None, owner=owner, contests=contests, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if mailing is None:
                mailing = services.create_mailing(contest=owner, by=request.user, **form.mailing_fields())
            else:
                mailing = services.update_mailing(mailing, **form.mailing_fields())
        except TransitionRefused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The draft was saved. Check the preview before sending."))
            return redirect("mailings:detail", pk=mailing.pk)
    return render(
        request,
        "mailings/compose.html",
        {"form": form, "owner": owner, "mailing": mailing, "fieldsets": _fieldsets(form)},
        status=400 if form.errors else 200,
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    contest_pk = request.GET.get("contest") or request.POST.get("owner")
    owner = None
    if contest_pk:
        if not str(contest_pk).isdigit():
            raise Http404
        owner = get_object_or_404(Contest, pk=int(contest_pk))
    if not request.user.has_perm("mailings.add_mailing", owner):
        raise PermissionDenied(_("You may not write mailings here."))
    return _compose(request, owner=owner, mailing=None)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing(request, pk)
    if not mailing.is_editable:
        messages.error(request, _("Only a draft can be changed; this mailing was sent."))
        return redirect("mailings:detail", pk=pk)
    return _compose(request, owner=mailing.contest, mailing=mailing)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing(request, pk)
    back = (
        reverse("mailings:contest", args=[mailing.contest_id])
        if mailing.contest_id
        else reverse("mailings:list")
    )
    try:
        services.delete_mailing(mailing)
    except TransitionRefused as refused:
        for reason in refused.reasons:
            messages.error(request, reason)
        return redirect("mailings:detail", pk=pk)
    messages.success(request, _("The draft was deleted."))
    return redirect(back)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing(request, pk)
    if mailing.state == Mailing.State.SENDING:
        mailing = services.refresh_state(mailing.pk)
    context = {
        "mailing": mailing,
        "audience": describe(mailing.audience),
        "texts": [
            (label, mailing.subject_in(code), mailing.body_in(code), code)
            for code, label in LANGUAGE_FIELDSETS
        ],
    }
    if mailing.is_editable:
        context["preview"] = selectors.preview(mailing)
    else:
        context["progress"] = selectors.progress_of(mailing)
    return render(request, "mailings/detail.html", context)


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress box alone (htmx polls it while sending; without script, the page reloads)."""
    mailing = services.refresh_state(_mailing(request, pk).pk)
    return render(
        request,
        "mailings/partials/progress.html",
        {"mailing": mailing, "progress": selectors.progress_of(mailing)},
    )


@login_required
def recipients(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing(request, pk)
    page = Paginator(selectors.recipients_of(mailing), 50).get_page(request.GET.get("page"))
    return render(request, "mailings/recipients.html", {"mailing": mailing, "page": page})


class RecipientSheet(Batched):
    def __init__(self, mailing: Mailing) -> None:
        self.mailing = mailing

    def headers(self) -> list[str]:
        return [_("Name"), _("E-mail address"), _("Language"), _("Record"), _("Delivery")]

    def batches(self):
        states = dict(MailingRecipient.State.choices)
        rows = selectors.recipients_of(self.mailing).values_list(
            "name", "email", "language", "state", "message__state"
        )
        for batch in chunked(rows.iterator(chunk_size=500)):
            yield [
                [name, email, language, str(states.get(state, state)), delivery or ""]
                for name, email, language, state, delivery in batch
            ]


@login_required
def recipients_csv(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = _mailing(request, pk)
    return csv_sheet_response(RecipientSheet(mailing), f"mailing-{mailing.pk}-recipients.csv")


step = step_view(_mailing, lambda mailing: reverse("mailings:detail", args=[mailing.pk]))


# --- public pages ---------------------------------------------------------------------------------


def subscribe(request: HttpRequest) -> HttpResponse:
    initial = {"language": getattr(request, "LANGUAGE_CODE", "uk")}
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.subscribe(form.cleaned_data["email"], language=form.cleaned_data["language"])
        return render(request, "mailings/subscribe_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "mailings/subscribe.html", {"form": form}, status=400 if form.errors else 200)


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = services.confirm_subscription(token)
    except ValidationError as error:
        return render(request, "mailings/token_invalid.html", {"message": error.messages[0]}, status=400)
    return render(request, "mailings/confirmed.html", {"subscriber": subscriber})


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link scanner must not unsubscribe anyone); POST records the opt-out."""
    try:
        services.read_unsubscribe_token(token)
    except ValidationError as error:
        return render(request, "mailings/token_invalid.html", {"message": error.messages[0]}, status=400)
    if request.method == "POST":
        try:
            email = services.unsubscribe(token)
        except ValidationError as error:
            return render(request, "mailings/token_invalid.html", {"message": error.messages[0]}, status=400)
        return render(request, "mailings/unsubscribed.html", {"email": email})
    return render(request, "mailings/unsubscribe.html", {"token": token})

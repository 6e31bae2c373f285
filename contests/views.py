"""Web pages of the contests app: public calls, and the organiser's workshop.

Reading starts from the selectors (what a user may not see answers 404); writing goes
through contests.services; permissions come from contests/rules.py (403).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from contests import selectors, services
from contests.forms import (
    ContestForm,
    CriterionForm,
    FormFieldForm,
    NominationForm,
    OutboxFilterForm,
    RoleGrantForm,
    TransitionForm,
    add_service_errors,
)
from contests.models import Contest, ContestRole, Criterion, FormField, Nomination
from core import clock
from core.exceptions import TransitionRefused
from core.fsm import history_rows, transitions_from_state
from notifications import events as notification_events
from notifications import services as notification_services
from notifications.forms import TemplateOverrideForm
from notifications.models import TemplateOverride
from notifications.rendering import render as render_message
from notifications.selectors import outbox_of, outbox_progress, overridden_events, template_override

# What each transition's button says, and a line explaining it.
STEP_LABELS = {
    "publish": (gettext_lazy("Publish the call"), gettext_lazy("Make the call public.")),
    "close": (
        gettext_lazy("Close the call"),
        gettext_lazy("Stop accepting applications and start screening."),
    ),
    "start_review": (gettext_lazy("Start the review"), gettext_lazy("Hand the applications to the jury.")),
    "decide": (gettext_lazy("Record the decision"), gettext_lazy("The winners are chosen, not yet public.")),
    "announce": (gettext_lazy("Announce the results"), gettext_lazy("Make the results public.")),
    "archive": (gettext_lazy("Archive"), gettext_lazy("Keep the contest for reference only.")),
    "cancel": (
        gettext_lazy("Cancel the contest"),
        gettext_lazy("Stop the contest for good. Give the reason in the note."),
    ),
}


# --- public pages -------------------------------------------------------------------------


HOME_PAGE_SIZE = 20


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # Paginated: the page's work stays the same however many calls a country runs.
    open_calls = Paginator(selectors.open_calls(), HOME_PAGE_SIZE).get_page(request.GET.get("open"))
    others = Paginator(selectors.past_public_contests(), HOME_PAGE_SIZE).get_page(request.GET.get("past"))
    return render(
        request, "contests/home.html", {"open_calls": open_calls, "others": others, "now": clock.now()}
    )


def _visible_contest(request: HttpRequest, pk: int, *, structure: bool = False) -> Contest:
    contests = selectors.contests_visible_to(request.user)
    if structure:
        contests = selectors.with_structure(contests)
    return get_object_or_404(contests, pk=pk)


def _label_parts(contest: Contest) -> None:
    """Give criteria and form fields their nomination from the prefetched list (no extra queries)."""
    by_id = {n.pk: n for n in contest.nominations.all()}
    for part in [*contest.criteria.all(), *contest.form_fields.all()]:
        part.nomination_obj = by_id.get(part.nomination_id)


@require_GET
def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _visible_contest(request, pk, structure=True)
    _label_parts(contest)
    return render(
        request,
        "contests/detail.html",
        {
            "contest": contest,
            "can_change": request.user.has_perm("contests.change_contest", contest),
            "now": clock.now(),
        },
    )


@require_GET
def regulations_document(request: HttpRequest, pk: int) -> FileResponse:
    contest = _visible_contest(request, pk)
    if not contest.regulations_document:
        raise Http404
    name = contest.regulations_document.name.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
    return FileResponse(
        contest.regulations_document.open("rb"), filename=f"regulations-{contest.pk}.{extension}"
    )


# --- organiser pages ---------------------------------------------------------------------


def _contest_for(request: HttpRequest, pk: int, perm: str = "contests.change_contest") -> Contest:
    """404 outside what the user may see, 403 without the permission."""
    contest = _visible_contest(request, pk)
    if not request.user.has_perm(perm, contest):
        raise PermissionDenied(_("You may not change this contest."))
    return contest


@login_required
@require_GET
def organise(request: HttpRequest) -> HttpResponse:
    contests = (
        selectors.contests_organised_by(request.user)
        .prefetch_related(Prefetch("roles", queryset=ContestRole.objects.all()))
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "contests/organise.html",
        {"contests": contests, "can_add": request.user.has_perm("contests.add_contest")},
    )


@login_required
def contest_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("contests.add_contest"):
        raise PermissionDenied(_("You may not create contests."))
    form = ContestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.create_contest(
                by=request.user, classifiers=form.chosen_classifiers() or (), **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contest was created as a draft."))
            return redirect("contests:manage", pk=contest.pk)
    return render(request, "contests/contest_form.html", {"form": form, "contest": None})


@login_required
def contest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest_for(request, pk)
    editable = Contest.objects.get(pk=contest.pk)  # the form changes its instance while validating
    form = ContestForm(request.POST or None, request.FILES or None, instance=editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contest(editable, classifiers=form.chosen_classifiers(), **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contest was saved."))
            return redirect("contests:manage", pk=contest.pk)
    return render(request, "contests/contest_form.html", {"form": form, "contest": contest})


@login_required
def contest_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest_for(request, pk)
    if request.method == "POST":
        try:
            services.delete_contest(contest)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("contests:manage", pk=pk)
        messages.success(request, _("The draft was deleted."))
        return redirect("contests:organise")
    return render(request, "contests/contest_delete.html", {"contest": contest})


@dataclass
class Step:
    name: str
    label: str
    help: str
    form: TransitionForm


def _steps(request: HttpRequest, contest: Contest) -> list[Step]:
    steps = []
    for name in transitions_from_state(contest):
        if name in services.TRANSITION_SERVICES and request.user.has_perm(
            f"contests.{name}_contest", contest
        ):
            label, help_text = STEP_LABELS.get(name, (name, ""))
            form = TransitionForm(prefix=name)
            if name != "close":
                del form.fields["force"]
            steps.append(Step(name, str(label), str(help_text), form))
    steps.sort(key=lambda step: step.name == "cancel")  # the destructive step comes last
    return steps


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


def _section(contest: Contest, kind: str, form=None) -> dict:
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


@login_required
@require_GET
def contest_manage(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest_for(request, pk)
    return render(
        request,
        "contests/manage.html",
        {
            "contest": contest,
            "sections": [_section(contest, kind) for kind in PARTS],
            "steps": _steps(request, contest),
            "history": history_rows(contest),
            "publish_problems": contest.publish_problems() if contest.state == Contest.State.DRAFT else [],
        },
    )


@login_required
@require_POST
def contest_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in services.TRANSITION_SERVICES:
        raise Http404
    contest = _contest_for(request, pk, perm=f"contests.{name}_contest")
    form = TransitionForm(request.POST, prefix=name)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("contests:manage", pk=pk)
    kwargs = {"by": request.user, "note": form.cleaned_data["note"]}
    if name == "close":
        kwargs["force"] = form.cleaned_data["force"]
    label = STEP_LABELS.get(name, (name, ""))[0]
    try:
        services.TRANSITION_SERVICES[name](contest, **kwargs)
    except TransitionRefused as refused:
        messages.error(request, _("“%(step)s” was refused:") % {"step": label})
        for reason in refused.reasons:
            messages.error(request, reason)
    except TransitionNotAllowed:
        messages.error(
            request,
            _("“%(step)s” is not possible in the contest's current state. Reload the page and check.")
            % {"step": label},
        )
    except ConcurrentTransition:
        messages.error(request, _("Someone changed this contest at the same moment. Reload and try again."))
    else:
        contest = Contest.objects.get(pk=pk)
        messages.success(
            request, _("Done. The contest is now: %(state)s.") % {"state": contest.get_state_display()}
        )
    return redirect("contests:manage", pk=pk)


def _part_kind(kind: str):
    if kind not in PARTS:
        raise Http404
    return PARTS[kind]


@login_required
def part_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    model, form_class, _title = _part_kind(kind)
    contest = _contest_for(request, pk)
    form = form_class(request.POST or None, contest=contest, prefix=f"new-{kind}")
    return _save_part_form(request, contest, kind, form, model(contest=contest))


@login_required
def part_edit(request: HttpRequest, pk: int, kind: str, part_pk: int) -> HttpResponse:
    model, form_class, _title = _part_kind(kind)
    contest = _contest_for(request, pk)
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
            add_service_errors(form, error)
        else:
            message = str(PART_TEXTS[kind].added if adding else PART_TEXTS[kind].saved)
            if request.htmx and adding:
                return render(
                    request,
                    "contests/partials/parts_section.html",
                    {"section": _section(contest, kind), "saved_message": message},
                )
            messages.success(request, message)
            return redirect(reverse("contests:manage", args=[contest.pk]) + f"#{kind}")
    if request.htmx and adding and request.method == "POST":
        return render(
            request, "contests/partials/parts_section.html", {"section": _section(contest, kind, form)}
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
    contest = _contest_for(request, pk)
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


# --- contest e-mail: the outbox --------------------------------------------------------

OUTBOX_PAGE_SIZE = 50


def _event_label(key: str) -> str:
    try:
        return str(notification_events.get(key).label)
    except LookupError:
        return key


def _progress(contest: Contest) -> dict:
    counts = outbox_progress(services.scope_of(contest))
    total = counts["total"]
    return {
        **counts,
        "active": bool(counts["pending"] or counts["sending"]),
        "percent": round(100 * counts["sent"] / total) if total else 0,
    }


@login_required
@require_GET
def contest_outbox(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest_for(request, pk)
    filter_form = OutboxFilterForm(request.GET)
    state = filter_form.cleaned_data["state"] if filter_form.is_valid() else ""
    rows = outbox_of(services.scope_of(contest)).only(
        "event", "email", "state", "attempts", "last_error", "created_at", "sent_at"
    )
    if state:
        rows = rows.filter(state=state)
    page = Paginator(rows, OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    for message in page.object_list:
        message.event_label = _event_label(message.event)
    return render(
        request,
        "contests/outbox.html",
        {
            "contest": contest,
            "filter_form": filter_form,
            "state": state,
            "query": f"state={state}" if state else "",
            "page_obj": page,
            "progress": _progress(contest),
        },
    )


@login_required
@require_GET
def contest_outbox_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress summary alone, for htmx polling; 286 tells htmx to stop when all is done."""
    contest = _contest_for(request, pk)
    if not request.htmx:
        return redirect("contests:outbox", pk=pk)
    progress = _progress(contest)
    return render(
        request,
        "contests/partials/outbox_progress.html",
        {"contest": contest, "progress": progress},
        status=200 if progress["active"] else 286,
    )


@login_required
@require_POST
def contest_outbox_resend(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest_for(request, pk)
    count = notification_services.resend_failed(scope=services.scope_of(contest))
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d failed message was queued to be sent again.",
                "%(count)d failed messages were queued to be sent again.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There were no failed messages to send again."))
    return redirect("contests:outbox", pk=pk)


# --- contest e-mail: the organiser's wording of each message ----------------------------

# Messages that carry a contest's scope come from these apps; others (invitations to an
# organisation, for instance) are not about one contest and cannot be reworded per contest.
CONTEST_EVENT_PREFIXES = ("contests.", "applications.", "review.", "grants.")


def _contest_events() -> list:
    return [e for e in notification_events.all_events() if e.key.startswith(CONTEST_EVENT_PREFIXES)]


def _contest_event(key: str):
    for event in _contest_events():
        if event.key == key:
            return event
    raise Http404


def _language(code: str) -> str:
    if code not in dict(settings.LANGUAGES):
        raise Http404
    return code


@login_required
@require_GET
def message_templates(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest_for(request, pk)
    overridden = overridden_events(services.scope_of(contest))
    rows = [
        {
            "event": event,
            "languages": [
                {"code": code, "name": name, "overridden": (event.key, code) in overridden}
                for code, name in settings.LANGUAGES
            ],
        }
        for event in _contest_events()
    ]
    return render(request, "contests/message_templates.html", {"contest": contest, "rows": rows})


def _sample_context(contest: Contest, event) -> dict[str, str]:
    """Values for a preview: the contest's own where known, the placeholder's description otherwise."""
    known = {
        "contest": contest.title,
        "link": settings.SITE_URL + reverse("contests:detail", args=[contest.pk]),
    }
    if contest.closes_at:
        known["deadline"] = f"{contest.local(contest.closes_at):%d.%m.%Y %H:%M} ({contest.time_zone})"
    return {name: known.get(name, f"[{description}]") for name, description in event.placeholders.items()}


def _default_wording(event, language: str) -> dict[str, str]:
    """The default subject and text with `{{ placeholder }}` in place of values: a starting point."""
    markers = {name: "{{ %s }}" % name for name in event.placeholders}  # noqa: UP031
    try:
        rendered = render_message(event.key, language, markers)
    except Exception:
        return {}
    return {"subject": rendered.subject, "body_text": rendered.text}


@login_required
def message_template_edit(request: HttpRequest, pk: int, event: str, language: str) -> HttpResponse:
    contest = _contest_for(request, pk)
    spec = _contest_event(event)
    language = _language(language)
    scope = services.scope_of(contest)
    override = template_override(scope, spec.key, language)
    if override is not None:
        initial = {name: getattr(override, name) for name in ("subject", "body_text", "body_html")}
    else:
        initial = _default_wording(spec, language)
    form = TemplateOverrideForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        wording = form.cleaned_data
        if "save" in request.POST:
            try:
                notification_services.save_template_override(
                    scope=scope, event=spec.key, language=language, **wording
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The wording of this message was saved."))
                return redirect("contests:messages", pk=pk)
        else:
            draft = TemplateOverride(scope=scope, event=spec.key, language=language, **wording)
            with translation.override(language):
                sample = _sample_context(contest, spec)
            try:
                preview = render_message(spec.key, language, sample, draft)
            except Exception as error:
                form.add_error(None, _("The preview failed: %(error)s") % {"error": error})
    return render(
        request,
        "contests/message_template_form.html",
        {
            "contest": contest,
            "event": spec,
            "language": language,
            "language_name": dict(settings.LANGUAGES)[language],
            "override": override,
            "form": form,
            "preview": preview,
        },
    )


@login_required
@require_POST
def message_template_reset(request: HttpRequest, pk: int, event: str, language: str) -> HttpResponse:
    contest = _contest_for(request, pk)
    spec = _contest_event(event)
    notification_services.delete_template_override(
        scope=services.scope_of(contest), event=spec.key, language=_language(language)
    )
    messages.success(request, _("This message uses the default wording again."))
    return redirect("contests:messages", pk=pk)


# --- people: organisers, jurors and grant officers --------------------------------------


@login_required
def contest_people(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest_for(request, pk, perm="contests.manage_roles")
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person, role = form.user, form.cleaned_data["role"]
        names = {"person": person, "role": ContestRole.Role(role).label}
        if contest.roles.filter(user=person, role=role).exists():
            messages.info(
                request,
                _("%(person)s already has the role “%(role)s” in this contest.") % names,
            )
        else:
            services.grant_role(contest, user=person, role=role, by=request.user)
            messages.success(
                request,
                _("%(person)s now has the role “%(role)s” in this contest.") % names,
            )
        return redirect("contests:people", pk=pk)
    roles = list(contest.roles.select_related("user").order_by("user__full_name", "user__email"))
    groups = [
        {"role": role, "label": label, "people": [r for r in roles if r.role == role]}
        for role, label in ContestRole.Role.choices
    ]
    return render(request, "contests/people.html", {"contest": contest, "form": form, "groups": groups})


@login_required
@require_POST
def contest_role_remove(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    contest = _contest_for(request, pk, perm="contests.manage_roles")
    contest_role = get_object_or_404(ContestRole.objects.select_related("user"), pk=role_pk, contest=contest)
    try:
        services.revoke_role(contest, user=contest_role.user, role=contest_role.role)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("contests:people", pk=pk)
    messages.success(
        request,
        _("%(person)s no longer has the role “%(role)s” in this contest.")
        % {"person": contest_role.user, "role": contest_role.get_role_display()},
    )
    if not request.user.has_perm("contests.manage_roles", Contest.objects.get(pk=pk)):
        return redirect("contests:organise")  # they removed themselves
    return redirect("contests:people", pk=pk)


# --- ready-made questions ------------------------------------------------------------------


@login_required
@require_POST
def add_case_structure(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the case-structure questions (problem, solution, results…) the form lacks."""
    contest = _contest_for(request, pk)
    try:
        added = services.add_case_structure(contest, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if added:
            messages.success(
                request,
                ngettext(
                    "%(count)d question of the case structure was added.",
                    "%(count)d questions of the case structure were added.",
                    len(added),
                )
                % {"count": len(added)},
            )
        else:
            messages.info(request, _("The form already has every question of the case structure."))
    return redirect(reverse("contests:manage", args=[pk]) + "#form-fields")

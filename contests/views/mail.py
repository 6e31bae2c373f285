"""A contest's e-mail: the outbox with its progress, and the organiser's wording of each message."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from contests import services
from contests.forms import (
    OutboxFilterForm,
)
from contests.models import Contest
from contests.views.access import contest_for
from core.security_headers import allow_style_attributes_of
from core.web import add_errors
from notifications import events as notification_events
from notifications import services as notification_services
from notifications.forms import TemplateOverrideForm
from notifications.models import TemplateOverride
from notifications.rendering import render as render_message
from notifications.selectors import (
    outbox_of,
    outbox_progress,
    outbox_trouble,
    overridden_events,
    template_override,
)

# --- contest e-mail: the outbox --------------------------------------------------------

OUTBOX_PAGE_SIZE = 50


def _progress(contest: Contest) -> dict:
    counts = outbox_progress(services.scope_of(contest))
    total = counts["total"]
    return {
        **counts,
        "active": bool(counts["pending"] or counts["sending"]),
        "percent": round(100 * counts["sent"] / total) if total else 0,
        # Always asked (one query), so the page costs the same with or without trouble.
        "trouble": outbox_trouble(services.scope_of(contest)),
    }


@login_required
@require_safe
def contest_outbox(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_for(request, pk)
    filter_form = OutboxFilterForm(request.GET)
    state = filter_form.cleaned_data["state"] if filter_form.is_valid() else ""
    rows = outbox_of(services.scope_of(contest)).only(
        "event", "email", "state", "attempts", "last_error", "next_attempt_at", "created_at", "sent_at"
    )
    if state:
        rows = rows.filter(state=state)
    page = Paginator(rows, OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    for message in page.object_list:
        message.event_label = notification_events.label_of(message.event)
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
@require_safe
def contest_outbox_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress summary alone, for htmx polling; 286 tells htmx to stop when all is done."""
    contest = contest_for(request, pk)
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
    contest = contest_for(request, pk)
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
@require_safe
def message_templates(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_for(request, pk)
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
    contest = contest_for(request, pk)
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
                add_errors(form, error)
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
    response = render(
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
    # The HTML preview's frame inherits this page's policy; e-mail styles are inline.
    return allow_style_attributes_of(response, preview.html) if preview else response


@login_required
@require_POST
def message_template_reset(request: HttpRequest, pk: int, event: str, language: str) -> HttpResponse:
    contest = contest_for(request, pk)
    spec = _contest_event(event)
    notification_services.delete_template_override(
        scope=services.scope_of(contest), event=spec.key, language=_language(language)
    )
    messages.success(request, _("This message uses the default wording again."))
    return redirect("contests:messages", pk=pk)

"""Web pages of the notifications app: the inbox and e-mail preferences.

Knows nothing of contests or accounts: pages of higher apps link here by URL name.
"""

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from notifications import events, services
from notifications.forms import EmailPreferencesForm
from notifications.models import Message
from notifications.rendering import Rendered, render_inbox
from notifications.selectors import inbox_of

log = logging.getLogger(__name__)

INBOX_PAGE_SIZE = 20


@dataclass
class InboxRow:
    message: Message
    rendered: Rendered | None
    label: str

    @property
    def unread(self) -> bool:
        return self.message.read_at is None


def _rows(messages: list[Message]) -> list[InboxRow]:
    rendered = render_inbox(messages)
    return [InboxRow(m, rendered[m.pk], events.label_of(m.event)) for m in messages]


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_of(request.user), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page, "rows": _rows(list(page.object_list))},
    )


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d message was marked as read.", "%(count)d messages were marked as read.", count
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("You have no unread messages."))
    return redirect(_back(request, reverse("notifications:inbox")))


@login_required
@require_POST
def mark_one_read(request: HttpRequest, pk: int) -> HttpResponse:
    # The service touches only the caller's own messages; another's id changes nothing.
    if services.mark_read(request.user, [pk]):
        messages.success(request, _("The message was marked as read."))
    return redirect(_back(request, reverse("notifications:inbox")))


@login_required
def email_preferences(request: HttpRequest) -> HttpResponse:
    form = EmailPreferencesForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # all or nothing
                for event, opted_out in form.changes():
                    services.set_email_opt_out(request.user, event, opted_out=opted_out)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your e-mail preferences were saved."))
            return redirect(_back(request, reverse("notifications:email_preferences")))
    return render(
        request,
        "notifications/email_preferences.html",
        {"form": form, "next": _back(request, "")},
        status=400 if form.errors else 200,
    )

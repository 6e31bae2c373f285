"""Writes of the mailings app: drafts, sending through the outbox (one transaction, set-based),
finishing, subscriptions and unsubscribing. Views, the API and tasks all call these."""

import re
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from contests.models import Contest
from core import clock
from core.bulk import insert_rows
from core.exceptions import TransitionRefused
from mailings import selectors
from mailings.events import CONFIRM_SUBSCRIPTION, ESSENTIAL, MESSAGE
from mailings.models import LANGUAGES, Mailing, MailingRecipient, Subscriber
from notifications.models import EmailOptOut, Message, TemplateOverride
from notifications.services import Recipient, notify, notify_many

TEXT_FIELDS = tuple(f"{part}_{language}" for part in ("subject", "body") for language in LANGUAGES)
UNSUBSCRIBE_SALT = "mailings.unsubscribe"
CONFIRM_SALT = "mailings.confirm"
CONFIRM_DAYS = 7


def _refuse_unless_draft(mailing: Mailing) -> None:
    if not mailing.is_editable:
        raise TransitionRefused([_("Only a draft can be changed; this mailing was sent.")])


def create_mailing(*, contest: Contest | None, by: Any, audience: dict, **fields: Any) -> Mailing:
    mailing = Mailing(contest=contest, created_by=by, audience=audience, **fields)
    mailing.full_clean(exclude=["state"])
    mailing.save()
    return mailing


def update_mailing(mailing: Mailing, **fields: Any) -> Mailing:
    """Change a draft's wording, audience or essential flag; a sent mailing is refused (409)."""
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        _refuse_unless_draft(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=["state"])
        locked.save()
    return locked


def delete_mailing(mailing: Mailing) -> None:
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        _refuse_unless_draft(locked)
        locked.delete()


# --- sending --------------------------------------------------------------------------------


def _literal(text: str) -> str:
    """The organiser's text inside a template that must never run it: braces become tags."""
    return re.sub(
        r"[{}]", lambda m: "{% templatetag " + ("openbrace" if m[0] == "{" else "closebrace") + " %}", text
    )


FOOTER_TEXT = (
    '{% if unsubscribe_url %}\n\n{% translate "To receive no more such mailings, follow this link:" %} '
    "{{ unsubscribe_url }}{% endif %}"
)
FOOTER_HTML = (
    '{% if unsubscribe_url %}<p><a href="{{ unsubscribe_url }}">'
    '{% translate "Unsubscribe from these mailings" %}</a></p>{% endif %}'
)


def _write_wording(mailing: Mailing, event: str) -> None:
    """The mailing's own text per language, as the outbox's template overrides in its scope:
    the outbox renders each message in its recipient's language (uk where none was written)."""
    TemplateOverride.objects.filter(scope=mailing.scope).delete()
    TemplateOverride.objects.bulk_create(
        [
            TemplateOverride(
                scope=mailing.scope,
                event=event,
                language=language,
                subject=_literal(mailing.subject_in(language)),
                body_text="{% load i18n %}" + _literal(mailing.body_in(language)) + FOOTER_TEXT,
                body_html='{% extends "notifications/email_base.html" %}{% load i18n %}{% block body %}'
                + _literal(linebreaks(escape(mailing.body_in(language))))
                + FOOTER_HTML
                + "{% endblock %}",
            )
            for language in LANGUAGES
        ]
    )


def unsubscribe_token(*, user_id: int | None = None, subscriber_token: str = "") -> str:
    payload = {"u": user_id} if user_id is not None else {"s": subscriber_token}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(token: str) -> str:
    return settings.SITE_URL + reverse("mailings:unsubscribe", args=[token])


def send_mailing(mailing: Mailing, *, by: Any, note: str = "") -> Mailing:
    """Draft → sending: every message written to the outbox in one go (notify_many: one insert
    however many recipients) with the record of whom, delivered after commit."""
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        audience = selectors.audience_of(locked)
        locked.send(by=by, description=note)  # TransitionNotAllowed once it left the draft
        if not audience.people:
            raise TransitionRefused([_("Nobody would receive this mailing: change its audience.")])
        event = ESSENTIAL if locked.essential else MESSAGE
        locked.sent_at = clock.now()
        locked.recipients_count = len(audience.people)
        locked.unsubscribed_count = len(audience.unsubscribed)
        locked.save()
        _write_wording(locked, event.key)
        _write_outbox(locked, event.key, audience.people)
        _write_recipients(locked, audience)
        pk = locked.pk
        transaction.on_commit(lambda: refresh_state(pk))
    return locked


def _as_recipient(person: selectors.Person) -> Recipient | str:
    if person.user_id is not None:
        return Recipient(person.user_id, person.email, person.language)
    return person.email


def _write_outbox(mailing: Mailing, event: str, people: list[selectors.Person]) -> None:
    scope = mailing.scope
    if mailing.essential:  # one batch: every message of a language reads the same
        items = [([_as_recipient(p) for p in people], {}, scope)]
    else:  # a batch per person: each carries its own unsubscribe link
        items = [
            (
                [_as_recipient(p)],
                {
                    "unsubscribe_url": unsubscribe_url(
                        unsubscribe_token(user_id=p.user_id, subscriber_token=p.token)
                    )
                },
                scope,
            )
            for p in people
        ]
    notify_many(event, items, scope=scope)
    # The outbox writes an address in the site's language: a subscriber chose theirs.
    default = settings.LANGUAGE_CODE
    for language in sorted({p.language for p in people if p.user_id is None and p.language != default}):
        Message.objects.filter(
            scope=scope,
            user__isnull=True,
            email__in=Subscriber.objects.filter(language=language).values("email"),
        ).update(language=language)


def _write_recipients(mailing: Mailing, audience: selectors.Audience) -> None:
    messages = dict(
        Message.objects.filter(scope=mailing.scope, channel=Message.Channel.EMAIL).values_list(
            "recipient_key", "pk"
        )
    )

    def key(person: selectors.Person) -> str:
        return f"user:{person.user_id}" if person.user_id is not None else f"email:{person.email.lower()}"

    queued, skipped = MailingRecipient.State.QUEUED.value, MailingRecipient.State.UNSUBSCRIBED.value
    rows = [
        (p.user_id, p.name[:200], p.email, p.language, messages.get(key(p)), queued) for p in audience.people
    ] + [(p.user_id, p.name[:200], p.email, p.language, None, skipped) for p in audience.unsubscribed]
    insert_rows(
        MailingRecipient,
        rows,
        columns=("user_id", "name", "email", "language", "message_id", "state"),
        same={"mailing_id": mailing.pk},
    )


def refresh_state(pk: int) -> Mailing | None:
    """Sending → sent once no e-mail waits in the outbox (→ failed when none got through)."""
    with transaction.atomic():
        mailing = Mailing.objects.select_for_update().filter(pk=pk).first()
        if mailing is None or mailing.state != Mailing.State.SENDING:
            return mailing
        progress = selectors.progress_of(mailing)
        if not progress.done:
            return mailing
        if progress.sent == 0 and progress.failed > 0:
            mailing.fail(description=_("No message could be delivered."))
        else:
            mailing.finish()
        mailing.save()
    return mailing


# --- subscribers and unsubscribing ----------------------------------------------------------------


def subscribe(email: str, *, language: str, topic: str = Subscriber.Topic.DEPOSITORY) -> Subscriber:
    """Ask for the news of a topic: a confirmation link is e-mailed (at most one a day per address).
    The answer never tells whether the address was subscribed already."""
    email = email.strip().lower()
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=email, topic=topic, defaults={"language": language}
        )
        if not created and subscriber.is_active:
            return subscriber
        subscriber.language = language
        subscriber.confirmed_at = subscriber.unsubscribed_at = None
        subscriber.save()
        token = signing.dumps({"s": subscriber.token}, salt=CONFIRM_SALT, compress=True)
        batch = notify(
            CONFIRM_SUBSCRIPTION.key,
            [email],
            {"confirm_url": settings.SITE_URL + reverse("mailings:confirm", args=[token])},
            dedupe_key=f"confirm:{subscriber.pk}:{clock.now().date().isoformat()}",
        )
        Message.objects.filter(batch=batch).update(language=language)
    return subscriber


def confirm_subscription(token: str) -> Subscriber:
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_DAYS * 24 * 3600)
        subscriber = Subscriber.objects.get(token=payload["s"])
    except (signing.BadSignature, KeyError, TypeError, Subscriber.DoesNotExist):
        raise ValidationError(
            _("This confirmation link is not valid or has expired. Subscribe again.")
        ) from None
    if subscriber.confirmed_at is None:
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
            confirmed_at=clock.now(), unsubscribed_at=None
        )
        subscriber.refresh_from_db()
    return subscriber


def read_unsubscribe_token(token: str) -> dict:
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        payload = None
    if not isinstance(payload, dict) or not ({"u", "s"} & set(payload)):
        raise ValidationError(_("This unsubscribe link is not valid."))
    return payload


def unsubscribe(token: str) -> str:
    """Record that the person wants no more non-essential mailings; returns their address."""
    payload = read_unsubscribe_token(token)
    from accounts.models import User

    with transaction.atomic():
        if "u" in payload:
            user = User.objects.filter(pk=payload["u"]).first()
            if user is None:
                raise ValidationError(_("This unsubscribe link is not valid."))
            EmailOptOut.objects.get_or_create(user=user, event=MESSAGE.key)
            return user.email
        subscriber = Subscriber.objects.filter(token=payload["s"]).first()
        if subscriber is None:
            raise ValidationError(_("This unsubscribe link is not valid."))
        if subscriber.unsubscribed_at is None:
            subscriber.unsubscribed_at = clock.now()
            subscriber.save(update_fields=["unsubscribed_at", "updated_at"])
        return subscriber.email

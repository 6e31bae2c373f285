"""Targeted mailings (mailings.rules): a contest's mailings are its organisers'; site-wide ones
belong to staff and the Organisers group (the organiser is in it). The subscription doors are
public (throttled per address).

World: a draft mailing of the review contest to its jurors (the organiser's); a confirmed
subscriber of the depository, with a confirmation and an unsubscribe token."""

from django.core import signing

from accounts.models import User
from contests.models import Contest
from core import clock
from mailings import services
from mailings.models import Subscriber

ALLOWED_TEXT = """
# mailings.rules: view/change/send = the contest's organisers (site-wide: staff, Organisers);
# creating one for a contest = its organisers.
GET /api/v1/mailings/: signed_in
POST /api/v1/mailings/: org
GET /api/v1/mailings/{id}/: org
PATCH /api/v1/mailings/{id}/: org
DELETE /api/v1/mailings/{id}/: org
GET /api/v1/mailings/{id}/history/: org
GET /api/v1/mailings/{id}/preview/: org
GET /api/v1/mailings/{id}/progress/: org
GET /api/v1/mailings/{id}/recipients/: org
POST /api/v1/mailings/{id}/send/: org
# The depository's subscribers: anyone subscribes, confirms, unsubscribes (by token).
POST /api/v1/mailing-subscriptions/: everyone
POST /api/v1/mailing-subscriptions/confirm/: everyone
POST /api/v1/mailing-subscriptions/unsubscribe/: everyone
"""

RESOURCE_OF_ID = {"mailings": "mailing"}
LIST_SCOPE = {"/api/v1/mailings/": {"mailing": "org"}}
BODIES = {
    ("POST", "/api/v1/mailings/"): {
        "contest": "{contest}",
        "subject_uk": "Нагадування журі",
        "body_uk": "Оцініть заявки до п'ятниці.",
        "audience": {"kind": "jurors"},
    },
    ("PATCH", "/api/v1/mailings/{id}/"): {"subject_en": "A reminder for the jury"},
    ("POST", "/api/v1/mailing-subscriptions/"): {"email": "matrix.reader@example.org", "language": "uk"},
    ("POST", "/api/v1/mailing-subscriptions/confirm/"): {"token": "{mailing_confirm_token}"},
    ("POST", "/api/v1/mailing-subscriptions/unsubscribe/"): {"token": "{mailing_unsubscribe_token}"},
}


def build(people: dict[str, User | None], ids: dict) -> None:
    contest = Contest.objects.get(pk=ids["contest"])
    mailing = services.create_mailing(
        contest=contest,
        by=people["organiser"],
        audience={"kind": "jurors", "contest": contest.pk},
        subject_uk="Засідання журі",
        body_uk="Засідання журі відбудеться у четвер.",
    )
    subscriber = Subscriber.objects.create(email="matrix.subscriber@example.org", confirmed_at=clock.now())
    ids["mailing"] = mailing.pk
    ids["mailing_confirm_token"] = signing.dumps(
        {"s": subscriber.token}, salt=services.CONFIRM_SALT, compress=True
    )
    ids["mailing_unsubscribe_token"] = services.unsubscribe_token(subscriber_token=subscriber.token)


def build_fuzz(world) -> None:
    """A draft and a sent mailing of the organiser's first contest, for the fuzzer to find."""
    contest = Contest.objects.filter(roles__user=world.organiser).order_by("pk").first()
    for subject in ("Чернетка розсилки", "Надіслана розсилка"):
        mailing = services.create_mailing(
            contest=contest,
            by=world.organiser,
            audience={"kind": "applicants", "contest": contest.pk},
            subject_uk=subject,
            body_uk="Текст розсилки.",
        )
    services.send_mailing(mailing, by=world.organiser)

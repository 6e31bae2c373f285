"""Demo data (manage.py seed_demo, after the finished contest's published cases exist): an invented
congress with three invited cases, one confirmed, one declined, one waiting for an answer.
Idempotent: a second run finds the congress and creates nothing."""

from datetime import timedelta

from django.db import transaction

from accounts.models import User
from congress import services
from congress.models import Event, Invitation
from contests.management import demo_data
from core import clock
from depository.models import Practice

TITLE = "Всеукраїнський форум бібліотечних практик (демо)"
DESCRIPTION = (
    "Бібліотеки-переможниці розповідають колегам, як вони допомагають громадам "
    "користуватися електронними послугами. Усі учасники та події вигадані."
)
PLACE = "Київ, Вигадана вулиця, 1, конференц-зала"
TOPICS = ["Цифрова грамотність для старших", "Е-послуги у сільській бібліотеці", "Волонтери-консультанти"]
DECLINE_REASON = "На ці дні припадає ремонт нашої бібліотеки; охоче виступимо наступного року."


def _member_of(invitation: Invitation, fallback: User) -> User:
    member = (
        User.objects.filter(memberships__organisation_id=invitation.organisation_id).order_by("pk").first()
    )
    return member or fallback


def seed() -> list[str]:
    if Event.objects.filter(title=TITLE).exists():
        return []
    organiser = User.objects.filter(email=demo_data.ORGANISER["email"]).first()
    cases = list(Practice.objects.filter(state=Practice.State.PUBLISHED).order_by("pk")[:3])
    if organiser is None or len(cases) < 3:
        return []
    now = clock.now()
    starts = (now + timedelta(days=45)).replace(hour=7, minute=0, second=0, microsecond=0)  # 10:00 in Kyiv
    contest = cases[0].contest
    if not organiser.has_perm("contests.change_contest", contest):
        contest = None
    with transaction.atomic():
        event = services.create_event(
            by=organiser,
            title=TITLE,
            description=DESCRIPTION,
            starts_at=starts,
            ends_at=starts + timedelta(hours=8),
            place=PLACE,
            contest=contest,
        )
        invitations = services.invite(event, cases, by=organiser, respond_by=now + timedelta(days=14))
        for invitation, topic, hour in zip(invitations, TOPICS, (0, 1, 2), strict=True):
            services.update_invitation(
                invitation, by=organiser, topic=topic, slot_starts_at=starts + timedelta(hours=hour)
            )
        confirmed, declined, _waiting = invitations
        services.confirm_invitation(confirmed, by=_member_of(confirmed, organiser))
        services.decline_invitation(declined, by=_member_of(declined, organiser), reason=DECLINE_REASON)
        services.publish_event(event, by=organiser, note="Програму оприлюднено.")
    return [f"congress «{TITLE}» with 3 invited cases (confirmed, declined, waiting)"]

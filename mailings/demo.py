"""Demo mailings (`manage.py seed_demo`): two sent (the finished contest's grantees; the
depository's invented subscribers) and one draft (the main contest's applicants). Idempotent."""

from django.db import transaction

from accounts.models import User
from contests.management import demo_data
from contests.models import Contest
from core import clock
from mailings import services
from mailings.models import AudienceKind, Mailing, Subscriber

SUBSCRIBERS = [
    ("chytachka.olena@example.org", "uk"),
    ("reader.lviv@example.org", "en"),
    ("knyholyub.mykola@example.org", "uk"),
    ("bibliotekar.ru@example.org", "ru"),
]
RESULTS = {
    "subject_uk": "Гранти конкурсу: що далі",
    "body_uk": "Вітаємо переможців! Підпишіть грантову угоду протягом двох тижнів і подайте "
    "перший звіт до визначеної дати. Питання — на адресу організаторів.",
    "subject_en": "Contest grants: what comes next",
    "body_en": "Congratulations to the winners! Sign the grant agreement within two weeks and "
    "submit the first report by its due date.",
    "essential": True,
}
NEWS = {
    "subject_uk": "Нові кейси у депозитарії найкращих практик",
    "body_uk": "У депозитарії з'явилися нові кейси бібліотек-переможниць: електронні послуги, "
    "цифрова грамотність, простори для громади. Завітайте до каталогу.",
    "subject_en": "New cases in the best-practice depository",
    "body_en": "New cases of the winning libraries are in the depository: e-services, digital "
    "literacy, community spaces.",
}
DRAFT = {
    "subject_uk": "Нагадування: перевірте свої заявки",
    "body_uk": "Шановні заявники! Перевірте, чи всі додатки до заявки завантажено. Ця розсилка ще чернетка.",
}


def _subscribers() -> list[str]:
    created = []
    for email, language in SUBSCRIBERS:
        _subscriber, made = Subscriber.objects.get_or_create(
            email=email,
            topic=Subscriber.Topic.DEPOSITORY,
            defaults={"language": language, "confirmed_at": clock.now()},
        )
        if made:
            created.append(f"Subscriber {email}")
    return created


def _mailing(fields: dict, *, contest: Contest | None, audience: dict, by: User, send: bool) -> list[str]:
    if Mailing.objects.filter(subject_uk=fields["subject_uk"]).exists():
        return []
    mailing = services.create_mailing(contest=contest, by=by, audience=audience, **fields)
    if send:
        services.send_mailing(mailing, by=by, note="Демо")
        return [f"Mailing sent: {fields['subject_uk']}"]
    return [f"Mailing draft: {fields['subject_uk']}"]


def seed() -> list[str]:
    organiser = User.objects.filter(email=demo_data.ORGANISER["email"]).first()
    if organiser is None:
        return []
    created = _subscribers()
    finished = Contest.objects.filter(grants__isnull=False).order_by("pk").first()
    main = Contest.objects.filter(title=demo_data.MAIN_CONTEST["title"]).first()
    with transaction.atomic():
        if finished is not None:
            created += _mailing(
                RESULTS,
                contest=finished,
                by=organiser,
                send=True,
                audience={"kind": AudienceKind.GRANTEES.value, "contest": finished.pk},
            )
        created += _mailing(
            NEWS, contest=None, by=organiser, send=True, audience={"kind": AudienceKind.SUBSCRIBERS.value}
        )
        if main is not None:
            created += _mailing(
                DRAFT,
                contest=main,
                by=organiser,
                send=False,
                audience={
                    "kind": AudienceKind.APPLICANTS.value,
                    "contest": main.pk,
                    "states": [],
                    "regions": [],
                    "nominations": [],
                },
            )
    return created

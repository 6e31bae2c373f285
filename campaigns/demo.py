"""Demo reporting: a regional library asks the demo libraries twice a year about their digital
literacy measures (a schedule on 20 March and 20 October), with one campaign open now in which
some libraries reported, one was returned for correction and the rest are due.

Idempotent: nothing is made when the campaign of that title and organising body exists. Invented
names only. Run by `seed_demo` after the demo libraries exist (core.demo)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.models import Organisation, User
from accounts.regions import Region
from campaigns import services
from campaigns.models import TIME_ZONE, Campaign, CampaignQuestion
from contests.management import demo_data
from core import clock

OWNER = "Обласна бібліотека-методичний центр (демо)"
TITLE = "Заходи з цифрової грамотності"
T = CampaignQuestion.Type
QUESTIONS = [
    ("measures", "Які заходи проведено за період?", T.LONG_TEXT, True, []),
    ("audience", "Для кого переважно?", T.MULTIPLE_CHOICE, False, ["Люди старшого віку", "Молодь", "ВПО"]),
    ("partners", "Чи були партнери?", T.YES_NO, False, []),
]
INDICATORS = [("Проведено заходів", "шт.", "12"), ("Учасників", "осіб", "150")]
ANSWERS = [
    ("Курси «Цифрова мама» і «Безпечний смартфон», консультації з «Дії».", ["Люди старшого віку"], "4", "61"),
    ("Клуб цифрових навичок для підлітків, два вебінари з безпеки.", ["Молодь"], "6", "88"),
    ("Заняття для внутрішньо переміщених осіб з електронних послуг.", ["ВПО"], "3", "35"),
]


def _next_due(today: date) -> date:
    for candidate in (date(today.year, 3, 20), date(today.year, 10, 20), date(today.year + 1, 3, 20)):
        if candidate > today:
            return candidate
    return date(today.year + 1, 3, 20)


def seed() -> list[str]:
    if Campaign.objects.filter(title=TITLE, owner__name=OWNER).exists():
        return []
    organiser = User.objects.filter(email=demo_data.ORGANISER["email"]).first()
    libraries = list(
        Organisation.objects.filter(name__in=[row[1] for row in demo_data.LIBRARIES]).order_by("pk")
    )
    if organiser is None or not libraries:
        return []
    with transaction.atomic():
        owner, _made = Organisation.objects.get_or_create(
            name=OWNER,
            defaults={
                "kind": Organisation.Kind.REGIONAL_LIBRARY,
                "region": Region.POLTAVA,
                "settlement": "Вигадане",
                "email": demo_data.login("metodcentr"),
            },
        )
        # The demo organiser runs the regional methodology centre's campaigns (its one member).
        owner.memberships.get_or_create(user=organiser, defaults={"is_admin": True})
        today = clock.local(clock.now(), TIME_ZONE).date()
        due_day = _next_due(today)
        campaign = services.create_campaign(
            by=organiser,
            owner=owner,
            title=TITLE,
            instructions="Коротко опишіть заходи та вкажіть показники за період.",
            due_at=datetime.combine(due_day, time(18), ZoneInfo(TIME_ZONE)),
            period_label=due_day.strftime("%d.%m.%Y"),
            audience_organisations=libraries,
        )
        for position, (key, label, kind, required, choices) in enumerate(QUESTIONS, start=1):
            services.add_question(
                campaign,
                key=key,
                label=label,
                field_type=kind,
                required=required,
                choices=choices,
                position=position,
            )
        indicators = [services.add_indicator(campaign, name=name, unit=unit) for name, unit, _t in INDICATORS]
        services.set_targets(
            campaign,
            [
                {"indicator": i.pk, "target": target}
                for i, (_n, _u, target) in zip(indicators, INDICATORS, strict=True)
            ],
        )
        services.create_schedule(campaign, by=organiser, days=["03-20", "10-20"], lead_days=30)
        campaign = services.open_campaign(campaign, by=organiser)
        reports = list(campaign.reports.select_related("organisation").order_by("pk"))
        lines = [f"campaign «{TITLE}»: {len(reports)} libraries asked, due {due_day:%d.%m.%Y}"]
        for report, (text, groups, events, people) in zip(reports, ANSWERS, strict=False):
            member = User.objects.filter(memberships__organisation=report.organisation).first()
            if member is None:
                continue
            report = services.save_report(
                report,
                by=member,
                answers={"measures": text, "audience": groups, "partners": True},
                actuals={indicators[0].pk: events, indicators[1].pk: people},
            )
            services.submit_report(report, by=member)
        submitted = list(campaign.reports.filter(state="submitted").order_by("pk"))
        if submitted:
            services.accept_report(submitted[0], by=organiser)
        if len(submitted) > 1:
            services.return_report(
                submitted[1], by=organiser, note="Додайте, скільки з учасників — люди 60+."
            )
        lines.append(f"campaign reports: {len(submitted)} submitted, one accepted, one returned")
    return lines

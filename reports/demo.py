"""Demo analytic reports (`manage.py seed_demo`, after the finished contest, its published cases
and the demo reporting campaign exist): a published report on the finished contest citing three
of its cases, and one on the open campaign. Invented text; a second run creates nothing."""

from accounts.models import User
from awards.management.commands.seed_demo import TITLE as FINISHED_TITLE
from campaigns import demo as campaigns_demo
from campaigns.models import Campaign
from contests.management import demo_data
from contests.models import Contest, ContestRole
from depository.models import Practice
from reports import services
from reports.models import AnalyticReport

TITLE = "Бібліотеки та е-врядування: підсумки грантової програми (демо)"
SUMMARY = (
    "Програма підтримала сільські та міські бібліотеки, що допомагають мешканцям "
    "користуватися електронними послугами держави.\n\n"
    "Звіт підсумовує заявки, результати грантів за регіонами та роками і найкращі практики."
)
FINDINGS = (
    "Найбільше заявок надійшло з областей, де бібліотеки вже мали комп'ютерні класи.\n\n"
    "Гранти найкраще працювали там, де бібліотека навчала людей разом із ЦНАПом громади."
)
RECOMMENDATIONS = (
    "Запланувати окремий потік навчання для бібліотекарів малих громад.\n\n"
    "Збирати показники щокварталу, а не лише в підсумковому звіті."
)


CAMPAIGN_TITLE = "Цифрова грамотність у бібліотеках: проміжний огляд (демо)"
CAMPAIGN_SUMMARY = (
    "Огляд звітів бібліотек про заходи з цифрової грамотності за поточний період.\n\n"
    "Показники зведено за областями; частина бібліотек ще готує звіти."
)
CAMPAIGN_FINDINGS = "Найбільше людей навчили бібліотеки, що проводили заняття щотижня."


def seed() -> list[str]:
    return seed_contest_report() + seed_campaign_report()


def seed_campaign_report() -> list[str]:
    campaign = (
        Campaign.objects.filter(title=campaigns_demo.TITLE, owner__name=campaigns_demo.OWNER)
        .exclude(state=Campaign.State.DRAFT)
        .order_by("pk")
        .first()
    )
    if campaign is None or AnalyticReport.objects.filter(campaign=campaign, title=CAMPAIGN_TITLE).exists():
        return []
    author = campaign.created_by or campaign.managers.order_by("pk").first()
    if author is None:
        return []
    report = services.create_report(
        campaign, by=author, title=CAMPAIGN_TITLE, summary=CAMPAIGN_SUMMARY, findings=CAMPAIGN_FINDINGS
    )
    services.publish(report, by=author, note="Демонстраційний огляд кампанії.")
    return [f"published analytic report «{CAMPAIGN_TITLE}» on the campaign «{campaign.title}»"]


def seed_contest_report() -> list[str]:
    contest = Contest.objects.filter(title=FINISHED_TITLE).order_by("pk").first()
    if contest is None or AnalyticReport.objects.filter(contest=contest, title=TITLE).exists():
        return []
    role = (
        ContestRole.objects.filter(contest=contest, role=ContestRole.Role.ORGANISER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    organiser = role.user if role else User.objects.filter(email=demo_data.ORGANISER["email"]).first()
    if organiser is None:
        return []
    cases = list(Practice.objects.filter(contest=contest, state=Practice.State.PUBLISHED).order_by("pk")[:3])
    report = services.create_report(
        contest,
        by=organiser,
        title=TITLE,
        summary=SUMMARY,
        findings=FINDINGS,
        recommendations=RECOMMENDATIONS,
        cases=cases,
    )
    services.publish(report, by=organiser, note="Демонстраційний аналітичний звіт.")
    return [f"published analytic report «{TITLE}» citing {len(cases)} cases"]

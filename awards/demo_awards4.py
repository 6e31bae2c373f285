"""Demo of the awards beyond the winners, on the finished demo contest: a special award given
with a reason (and its diploma), certificates of participation for every eligible applicant and
letters of thanks for the jurors, issued by runs as the organiser's button would.

Idempotent: a second run finds everything and creates nothing. Run by `seed_demo` after the
finished contest is announced (core.demo). The award is written directly because the demo
contest is announced already (the page offers choosing only before the announcement)."""

from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.models import User
from applications.models import Application
from awards import certificates
from awards.models import IssueRun, SpecialAward, SpecialAwardChoice
from contests.management import demo_data
from contests.models import Contest
from core import clock
from review.models import Juror, Review

AWARD = "Найкраще використання ресурсів"
DESCRIPTION = "Для бібліотеки, що зробила найбільше з найменшими коштами."
REASON = "Бібліотека запустила консультації з е-послуг силами волонтерів і власного ноутбука."


def seed() -> list[str]:
    from awards.management.commands.seed_demo import TITLE  # the finished demo contest

    contest = Contest.objects.filter(title=TITLE, state=Contest.State.ANNOUNCED).order_by("pk").first()
    if contest is None:
        return []
    organiser = User.objects.filter(email=demo_data.ORGANISER["email"]).first()
    created: list[str] = []
    with transaction.atomic():
        award, new = SpecialAward.objects.get_or_create(
            contest=contest, title=AWARD, defaults={"description": DESCRIPTION, "places": 1}
        )
        if new:
            created.append(f"special award «{AWARD}»")
        if not award.choices.exists():
            application = (
                Application.objects.filter(contest=contest, state=Application.State.NOT_AWARDED)
                .order_by("number", "pk")
                .first()
            )
            if application is not None:
                SpecialAwardChoice.objects.create(
                    award=award, application=application, reason=REASON, chosen_by=organiser
                )
                SpecialAward.objects.filter(pk=award.pk).update(chosen=F("chosen") + 1)
                created.append(f"special award given to {application.number}")
        if diplomas := certificates.issue_special_diplomas(contest):
            created.append(f"{len(diplomas)} special award diplomas")
    created += _jury(contest)
    for kind in IssueRun.Kind.values:
        if IssueRun.objects.filter(contest=contest, kind=kind).exists():
            continue
        run = IssueRun.objects.create(
            contest=contest, kind=kind, total=certificates.owed_total(contest, kind), started_by=organiser
        )
        run = certificates.run_issue(run.pk)
        created.append(f"{run.done} {run.get_kind_display().lower()} issued")
    return created


def _jury(contest: Contest) -> list[str]:
    """The finished demo contest was decided without a jury; three demo jurors join it with one
    submitted review each (no scores: the published ranking stays as it is), so that letters of
    thanks have holders. Nothing when a juror has submitted a review already."""
    if Review.objects.filter(juror__contest=contest, state=Review.State.SUBMITTED).exists():
        return []
    round_ = contest.review_rounds.order_by("-number").first()
    applications = list(
        Application.objects.filter(contest=contest, state=Application.State.NOT_AWARDED).order_by("number")[
            :3
        ]
    )
    users = User.objects.filter(email__in=[j["email"] for j in demo_data.JURORS[:3]]).order_by("email")
    if round_ is None or not applications:
        return []
    created = []
    for user, application in zip(users, applications, strict=False):
        try:
            with transaction.atomic():
                juror, _new = Juror.objects.get_or_create(contest=contest, user=user)
                Review.objects.create(
                    round=round_,
                    juror=juror,
                    application=application,
                    state=Review.State.SUBMITTED,
                    submitted_at=clock.now(),
                    overall_comment="Демонстраційна рецензія: сильний проєкт для громади.",
                )
        except IntegrityError:  # e.g. the juror works for that library: the database refuses
            continue
        created.append(f"juror {user.full_name} reviewed {application.number}")
    return created

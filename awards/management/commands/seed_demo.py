"""`manage.py seed_demo`: the whole invented demo, in Ukrainian, grants included.

It lives in awards, the highest layer it needs (awards sits above depository, review and grants,
so it may use all of them). First everything below: `seed_demo_review` (contests, applications,
the jury at work), then,
in one transaction, a contest from two years ago that ran to the end: applications submitted and
screened, the review started, five winners chosen and the results announced, their cases
published in the depository, and a grant for each
winner — one in every state (offered, agreement signed, active, completed, terminated) with its
budget, tranches (scheduled, approved, paid, cancelled), reports (due and overdue, submitted,
accepted, sent back for changes) and the contest's indicators with targets and actuals.

Everything goes through the services (contests, applications, awards, grants), so states,
history, audit and notifications are real.

Idempotent: the contest is looked up by its title, each step runs only from the state before
it, and a winner gets a grant only while it has none; a second run changes nothing.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Count

from accounts.models import Organisation, User
from applications import services as applications_services
from applications.management import demo_applications as demo
from applications.management.commands.seed_demo_applications import FILE_QUESTION, LIBRARIES
from applications.management.commands.seed_demo_applications import Command as ApplicationsSeedCommand
from applications.models import Application
from awards import services as awards_services
from contests import services as contests_services
from contests.management import demo_data
from contests.management.commands.seed_demo_contests import _at
from contests.models import Contest, ContestRole
from core import clock
from core import demo as core_demo
from depository import services as depository_services
from depository.models import Practice
from grants import services
from grants.iban import make_ua_iban
from grants.models import Disbursement, Grant, GrantReport, Indicator
from review import services as review_services

TITLE = "Бібліотеки — мости до електронного врядування (демо, завершений конкурс)"
PUBLISH_NOTE = "Демонстраційний конкурс, що дійшов до грантів."
ANNOUNCE_NOTE = "Результати оголошено; переможці отримують гранти."
INDICATORS = [
    ("Мешканці, які отримали е-послуги в бібліотеці", "осіб", 400),
    ("Навчені цифрової грамотності", "осіб", 60),
    ("Інформаційні заходи", "подій", 4),
]
BUDGET = [
    ("Ноутбуки та МФУ", Decimal("0.6")),
    ("Навчання волонтерів", Decimal("0.25")),
    ("Друк пам'яток", Decimal("0.15")),
]
NARRATIVES = [
    "Облаштовано куточок е-послуг: два ноутбуки, сканер, принтер. Консультації щовівторка й щочетверга.",
    "Провели курс «Дія для старшого віку» для пенсіонерів і ВПО; волонтери-студенти чергували в залі.",
    "Разом із ЦНАП провели день відкритих дверей; виготовили пам'ятки про електронні звернення.",
]
APPLICANTS_PER_NOMINATION = 4  # enough for every nomination to have winners
CITATION = "За сміливий проєкт бібліотечних е-послуг для громади."
PDF = b"%PDF-1.4\n% invented demo agreement\n"


@dataclass(frozen=True)
class Plan:
    """Where one winner's grant ends up: its state, and its dates relative to today."""

    state: str
    amount: Decimal
    start_days_ago: int
    length_days: int


PLANS = [
    Plan(Grant.State.COMPLETED, Decimal("90000.00"), 620, 480),
    # 400 days hold at least two report dates (20 March, 20 October): one accepted, one waiting.
    Plan(Grant.State.ACTIVE, Decimal("100000.00"), 400, 620),
    Plan(Grant.State.TERMINATED, Decimal("60000.00"), 400, 500),
    Plan(Grant.State.AGREEMENT_SIGNED, Decimal("80000.00"), 200, 400),
    Plan(Grant.State.OFFERED, Decimal("70000.00"), 10, 360),
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class Command(ApplicationsSeedCommand):
    help = (
        "Create an invented demo in Ukrainian: contests, libraries, applications, a jury at work, "
        "and a finished contest whose winners hold grants in every state. Idempotent."
    )

    def handle(self, *args, **options):
        call_command("seed_demo_review", force=options["force"], stdout=self.stdout, stderr=self.stderr)
        return super().handle(*args, **options)

    def seed_more(self, *, main: Contest, organiser: User, libraries: list[Organisation]) -> None:
        super().seed_more(main=main, organiser=organiser, libraries=libraries)
        self._seed_finished_contest(main=main, organiser=organiser, libraries=libraries)
        # The programme around the contest (campaigns, e-services, congress, mailings, awards beyond
        # the winners) registers its demo from the apps' ready(): core/demo.py.
        self.created.extend(core_demo.run_registered())

    def _seed_finished_contest(
        self, *, main: Contest, organiser: User, libraries: list[Organisation]
    ) -> None:
        organisations = {org.email.split("@")[0]: org for org in libraries}
        officer = User.objects.get(email=demo_data.GRANT_OFFICER["email"])
        admin = User.objects.get(email=demo_data.ADMIN["email"])
        contest = self._finished_contest(main, organiser, officer)
        if contest.state == Contest.State.PUBLISHED:
            if contest.is_accepting_applications:
                self._applications(contest, organisations, organiser)
            contest = self._close(contest, organiser)
        if contest.state == Contest.State.CLOSED:
            for application in Application.objects.filter(contest=contest, state=Application.State.SUBMITTED):
                applications_services.mark_eligible(application, by=organiser, note=demo.ELIGIBLE_NOTES[0])
            review_services.start_contest_review(contest, by=organiser, note=PUBLISH_NOTE)
            self.created.append(f"review started in «{contest.title}»")
        if contest.state == Contest.State.IN_REVIEW:
            self._winners(contest, organiser, admin)
        if contest.state == Contest.State.DECIDED:
            awards_services.announce(contest, by=organiser, note=ANNOUNCE_NOTE)
            self.created.append(f"announced «{contest.title}»")
        if contest.state != Contest.State.ANNOUNCED:
            self.summary.append(f"«{contest.title}» is {contest.state}: no grants seeded.")
            return
        self._cases(contest, organiser)
        indicators = self._indicators(contest, officer)
        winners = Application.objects.filter(contest=contest, state=Application.State.AWARDED)
        for plan, application in zip(PLANS, winners.order_by("number", "pk"), strict=False):
            if not Grant.objects.filter(application=application).exists():
                self._grant(contest, application, plan, officer, indicators)
        self._summarise_grants(contest)

    # --- the contest, run to its announcement -------------------------------------------------

    def _finished_contest(self, main: Contest, organiser: User, officer: User) -> Contest:
        contest = Contest.objects.filter(title=TITLE).order_by("pk").first()
        if contest is not None:
            return contest
        contest = contests_services.clone_contest(main, by=organiser, title=TITLE, shift_years=-2)
        tz = contest.time_zone
        contest = contests_services.update_contest(
            contest, closes_at=_at(1, 18, tz), review_ends_at=_at(21, 18, tz), announce_at=_at(30, 12, tz)
        )
        contests_services.grant_role(contest, user=officer, role=ContestRole.Role.GRANT_OFFICER, by=organiser)
        contests_services.publish_contest(contest, by=organiser, note=PUBLISH_NOTE)
        self.created.append(f"contest «{contest.title}»")
        return contest

    def _applications(
        self, contest: Contest, organisations: dict[str, Organisation], organiser: User
    ) -> None:
        """One complete, submitted application per demo library, in the case's nomination."""
        nominations = list(contest.nominations.order_by("order", "pk"))
        questions = {q.key: q for q in contest.form_fields.all()}
        existing = set(Application.objects.filter(contest=contest).values_list("organisation_id", flat=True))
        per_nomination: Counter[int] = Counter()
        for entry in demo.ENTRIES:
            organisation = organisations[entry.slug]
            nomination = nominations[demo.CASES[entry.case].nomination]
            if organisation.pk in existing or per_nomination[nomination.pk] >= APPLICANTS_PER_NOMINATION:
                continue
            existing.add(organisation.pk)
            per_nomination[nomination.pk] += 1
            library = LIBRARIES[entry.slug]
            applicant = User.objects.get(email=organisation.demo_login)
            application = applications_services.start_application(
                organisation=organisation,
                contest=contest,
                nomination=nomination,
                title=demo.title_for(entry, library),
                by=applicant,
            )
            answers = {k: v for k, v in demo.answers_for(entry, library).items() if k in questions}
            application = applications_services.save_answers(application, answers=answers, by=applicant)
            self._attach(entry, library, application, applicant, questions.get(FILE_QUESTION))
            applications_services.submit_application(application, by=applicant)
            self.created.append(f"application of {organisation.name} to «{contest.title}»")

    def _close(self, contest: Contest, organiser: User) -> Contest:
        # As the review's demo does: the deadline becomes this moment (one column, a queryset
        # update, after every submission above), so the call closes on time through the service.
        Contest.objects.filter(pk=contest.pk, closes_at__gt=clock.now()).update(closes_at=clock.now())
        contest = contests_services.close_contest(Contest.objects.get(pk=contest.pk), by=organiser)
        self.created.append(f"closed «{contest.title}»")
        return contest

    def _winners(self, contest: Contest, organiser: User, second: User) -> None:
        """Up to the contest's limit, the first applications of each nomination within its limit;
        proposed by the organiser and approved by a second person, as the awards require."""
        awards = awards_services
        chosen: list[Application] = []
        for nomination in contest.nominations.order_by("order", "pk"):
            candidates = Application.objects.filter(
                contest=contest, nomination=nomination, state=Application.State.UNDER_REVIEW
            ).order_by("number")
            chosen += list(candidates[: nomination.max_winners])
        for application in chosen[: contest.max_winners]:
            decision = awards.propose(
                application, by=organiser, reason="Демонстраційний вибір переможця.", citation=CITATION
            )
            awards.approve(decision, by=second)
            self.created.append(f"winner {application.number}")
        awards.decide(contest, by=organiser, note="Переможців визначено.")

    def _cases(self, contest: Contest, organiser: User) -> None:
        """The winners' cases go into the public depository (winners need no consent)."""
        depository_services.select_winners(contest, by=organiser)
        for practice in Practice.objects.filter(contest=contest, state=Practice.State.DRAFT):
            depository_services.publish(practice, by=organiser, note="Кейс переможця.")
            self.created.append(f"published case «{practice.title}»")

    # --- grants ---------------------------------------------------------------------------------

    def _indicators(self, contest: Contest, officer: User) -> list[Indicator]:
        existing = {i.name: i for i in Indicator.objects.filter(contest=contest)}
        found = []
        for name, unit, _target in INDICATORS:
            indicator = existing.get(name)
            if indicator is None:
                indicator = services.add_indicator(
                    contest, by=officer, name=name, unit=unit, direction=Indicator.Direction.HIGHER
                )
                self.created.append(f"indicator «{name}»")
            found.append(indicator)
        return found

    def _grant(
        self,
        contest: Contest,
        application: Application,
        plan: Plan,
        officer: User,
        indicators: list[Indicator],
    ) -> None:
        today = clock.local(clock.now(), contest.time_zone).date()
        starts = today - timedelta(days=plan.start_days_ago)
        ends = starts + timedelta(days=plan.length_days)
        grant = services.offer_grant(
            application,
            by=officer,
            amount=plan.amount,
            purpose=f"Проєкт «{application.title}»: куточок е-послуг, навчання, інформаційні заходи.",
            starts_on=starts,
            ends_on=ends,
            agreement_draft=_pdf("proekt-uhody.pdf"),
        )
        self.created.append(f"grant {grant.pk} for {application.number} ({plan.state})")
        for order, (title, share) in enumerate(BUDGET):
            services.add_budget_line(
                grant,
                by=officer,
                title=title,
                planned=(plan.amount * share).quantize(Decimal("0.01")),
                order=order,
            )
        reports = list(grant.reports.order_by("due_on", "pk"))
        for report in reports:
            for indicator, (_name, _unit, target) in zip(indicators, INDICATORS, strict=True):
                share = Decimal(len(reports[: reports.index(report) + 1])) / len(reports)
                value = target if report.kind == GrantReport.Kind.FINAL else round(target * share)
                services.set_target(
                    grant, by=officer, indicator=indicator, period_end=report.period_end, value=value
                )
        if plan.state == Grant.State.OFFERED:
            return
        member = (
            User.objects.filter(memberships__organisation=application.organisation_id).order_by("pk").first()
        )
        grant = services.sign_agreement(
            grant,
            by=officer,
            signed_copy=_pdf("uhoda-pidpysana.pdf"),
            signed_on=starts,
            note="Угоду підписано.",
        )
        if plan.state == Grant.State.AGREEMENT_SIGNED:
            # No bank details yet, so not active: a tranche is planned and a report falls overdue.
            services.schedule_tranche(
                grant, by=officer, planned_on=today + timedelta(days=14), amount=plan.amount / 2
            )
            return
        iban = make_ua_iban("322001", f"{26000000000000 + grant.pk:014d}")
        grant = services.update_bank_details(
            grant,
            by=member,
            payee_name=application.organisation.name,
            payee_bank="АТ «Вигаданий банк»",
            payee_iban=iban,
        )
        grant = services.activate_grant(grant, by=officer, note="Реквізити перевірено.")
        half = (plan.amount / 2).quantize(Decimal("0.01"))
        first = services.schedule_tranche(
            grant, by=officer, planned_on=starts + timedelta(days=7), amount=half
        )
        second = services.schedule_tranche(
            grant,
            by=officer,
            planned_on=reports[0].due_on + timedelta(days=10),
            amount=plan.amount - half,
            after_report=reports[0],
        )
        self._pay(first, officer, starts + timedelta(days=9), f"ПД-{grant.pk:03d}-1")
        if plan.state == Grant.State.COMPLETED:
            for report in reports:
                self._write_report(report, member, indicators, grant, accept_by=officer)
            self._pay(
                Disbursement.objects.get(pk=second.pk),
                officer,
                reports[0].due_on + timedelta(days=12),
                f"ПД-{grant.pk:03d}-2",
            )
            services.complete_grant(grant, by=officer, note="Усі звіти прийнято, кошти виплачено.")
        elif plan.state == Grant.State.ACTIVE:
            past = [r for r in reports if r.due_on < today]
            for n, report in enumerate(past):
                accept = n < len(past) - 1  # the latest waits for the grant officer
                self._write_report(report, member, indicators, grant, accept_by=officer if accept else None)
            # The first report's acceptance released the second tranche: it waits to be paid.
        elif plan.state == Grant.State.TERMINATED:
            self._write_report(reports[0], member, indicators, grant, accept_by=None)
            services.request_report_changes(
                reports[0], by=officer, note="Додайте акти виконаних робіт і фото заходів."
            )
            services.terminate_grant(
                grant,
                by=officer,
                note="Бібліотеку закрито на капітальний ремонт; проєкт зупинено за згодою сторін.",
            )

    def _pay(self, tranche: Disbursement, officer: User, day: date, reference: str) -> None:
        if tranche.state == Disbursement.State.SCHEDULED:
            tranche = services.approve_tranche(tranche, by=officer)
        services.pay_tranche(
            tranche, by=officer, idempotency_key=f"demo-{reference}", payment_reference=reference, paid_on=day
        )

    def _write_report(
        self,
        report: GrantReport,
        member: User,
        indicators: list[Indicator],
        grant: Grant,
        *,
        accept_by: User | None,
    ) -> None:
        targets = {t.indicator_id: t.value for t in grant.targets.filter(period_end=report.period_end)}
        # A little above or below each target, the same on every run.
        actuals = {
            i.pk: (targets.get(i.pk, Decimal(0)) * Decimal(90 + (grant.pk * 7 + n * 13) % 25) / 100).quantize(
                Decimal(1)
            )
            for n, i in enumerate(indicators)
        }
        spending = {
            line.pk: (line.planned / 3).quantize(Decimal("0.01"))
            for line in grant.budget_lines.order_by("order")
        }
        services.save_report(
            report,
            by=member,
            narrative=NARRATIVES[report.pk % len(NARRATIVES)],
            actuals=actuals,
            spending=spending,
        )
        services.submit_report(report, by=member, note="Звіт надіслано.")
        if accept_by is not None:
            services.accept_report(report, by=accept_by, note="Звіт прийнято.")

    def _summarise_grants(self, contest: Contest) -> None:
        grants = dict(
            Grant.objects.filter(contest=contest).values_list("state").annotate(n=Count("pk")).order_by()
        )
        reports = dict(
            GrantReport.objects.filter(grant__contest=contest)
            .values_list("state")
            .annotate(n=Count("pk"))
            .order_by()
        )
        self.summary.append(
            f"Grants of «{contest.title}»: {sum(grants.values())} ("
            + ", ".join(f"{state} {n}" for state, n in sorted(grants.items()))
            + "); reports: "
            + ", ".join(f"{state} {n}" for state, n in sorted(reports.items()))
            + f"; grant officer {demo_data.GRANT_OFFICER['email']}."
        )

"""`manage.py seed_demo_review`: the demo up to the jury at work, in Ukrainian.

First the contests and applications parts (`seed_demo_applications`, which runs
`seed_demo_contests` first), then, in the same transaction, the jury at work on last year's
edition of the demo call: a contest cloned from the main one, applications submitted while
its call was open, the call closed, the applications screened, the review started, five
jurors seated, the first round open and assigned, and reviews in every state — submitted
with varied scores (one harsh juror, one lenient), drafts, untouched, and one declined with
a declared conflict of interest. The published main contest is left open for applicants.

Everything is written through the services (contests, applications, review), so states,
history and notifications are real. Idempotent: the contest is looked up by its title, an
application by organisation and nomination, a juror by contest and user, and each step runs
only when its object is missing or still in the state before it; the jury scores only the
reviews assigned in the same run, so nothing a demo visitor did is ever changed.

`manage.py seed_demo` (in the grants app) extends this command with a finished contest and its
grants; `make run` runs that one. Django runs the command of the app listed first in
INSTALLED_APPS, so the lower layers' commands have names of their own.
"""

from collections import Counter
from importlib import import_module
from types import ModuleType

from django.db.models import Count

from accounts.models import Organisation, User
from applications import services as applications_services
from applications.management.commands.seed_demo_applications import FILE_QUESTION, LIBRARIES
from applications.management.commands.seed_demo_applications import Command as ApplicationsSeedCommand
from applications.models import Application
from contests import services as contests_services
from contests.management.commands.seed_demo_contests import _at
from contests.models import Category, Contest, Criterion
from core import clock
from review import services
from review.management import demo_review as data
from review.models import Juror, Review, Round
from review.selectors import round_applications, round_criteria


class Command(ApplicationsSeedCommand):
    help = (
        "Create an invented demo in Ukrainian: contests, libraries, jurors, an organiser, "
        "applications in every state and a jury at work on last year's contest. Idempotent."
    )

    def seed_more(self, *, main: Contest, organiser: User, libraries: list[Organisation]) -> None:
        super().seed_more(main=main, organiser=organiser, libraries=libraries)
        organisations = {org.email.split("@")[0]: org for org in libraries}
        contest = self._last_year(main, organiser)
        if contest.state == Contest.State.PUBLISHED:
            if contest.is_accepting_applications:
                self._applications(contest, organisations, organiser)
            contest = self._close(contest, organiser)
        if contest.state == Contest.State.CLOSED:
            self._screen(contest, organiser)
            services.start_contest_review(contest, by=organiser, note=data.START_REVIEW_NOTE)
            self.created.append(f"review started in «{contest.title}»")
        if contest.state != Contest.State.IN_REVIEW:
            self.summary.append(f"«{contest.title}» is {contest.state}: no jury seeded.")
            return
        jurors = self._jury(contest, organiser)
        round_ = contest.review_rounds.order_by("number").first()
        if round_ is not None and round_.state == Round.State.PLANNED:
            round_ = services.open_round(round_, by=organiser, note=data.OPEN_ROUND_NOTE)
            self.created.append(f"opened {round_.title} of «{contest.title}»")
        if round_ is not None and round_.is_open and not round_.reviews.exists():
            self._assign(round_, jurors, organiser)
            self._decline(round_, jurors)
            self._score(round_, jurors)
        self._summarise(contest, round_)

    # --- the contest and its applications ---------------------------------------------------

    def _last_year(self, main: Contest, organiser: User) -> Contest:
        contest = Contest.objects.filter(title=data.TITLE).order_by("pk").first()
        if contest is not None:
            return contest
        # Last year's edition: the main call's texts, structure and dates a year earlier…
        contest = contests_services.clone_contest(main, by=organiser, title=data.TITLE, shift_years=-1)
        # …but its call is still open for a little while, so the demo libraries can apply.
        tz = contest.time_zone
        contest = contests_services.update_contest(
            contest,
            closes_at=_at(1, 18, tz),
            review_ends_at=_at(21, 18, tz),
            announce_at=_at(30, 12, tz),
        )
        contests_services.publish_contest(contest, by=organiser, note=data.PUBLISH_NOTE)
        self.created.append(f"contest «{contest.title}»")
        return contest

    def _applications(self, contest: Contest, organisations: dict[str, Organisation], organiser: User):
        nominations = list(contest.nominations.order_by("order", "pk"))
        questions = {q.key: q for q in contest.form_fields.all()}
        categories = dict(
            Category.objects.filter(classifier__contests=contest).values_list("code", "pk").distinct()
        )
        existing = set(
            Application.objects.filter(contest=contest).values_list("organisation_id", "nomination_id")
        )
        for entry in data.ENTRIES:
            organisation = organisations[entry.slug]
            nomination = nominations[data.apps_demo.CASES[entry.case].nomination]
            if (organisation.pk, nomination.pk) in existing:
                continue
            library = LIBRARIES[entry.slug]
            applicant = User.objects.get(email=organisation.demo_login)
            application = applications_services.start_application(
                organisation=organisation,
                contest=contest,
                nomination=nomination,
                title=data.apps_demo.title_for(entry, library),
                by=applicant,
            )
            answers = data.apps_demo.answers_for(entry, library)
            application = applications_services.save_answers(
                application,
                answers={k: v for k, v in answers.items() if k in questions},
                categories=[categories[code] for code in data.CASE_CATEGORIES[entry.case]],
                by=applicant,
            )
            self._attach(entry, library, application, applicant, questions.get(FILE_QUESTION))
            applications_services.submit_application(application, by=applicant)
            self.created.append(f"application of {organisation.name} to «{contest.title}»")

    def _close(self, contest: Contest, organiser: User) -> Contest:
        # The demo needs applications submitted while the call was open and a call that is over.
        # Rather than wait for the deadline, or force an early closing (which the history would
        # record as closed early, with a reason), the deadline is set to this moment — after
        # every submission above, so all of them stay on time — with a queryset update(): it
        # writes the one column and nothing else, as if the call had simply run out. Closing
        # then goes through the service, on time.
        Contest.objects.filter(pk=contest.pk, closes_at__gt=clock.now()).update(closes_at=clock.now())
        contest = Contest.objects.get(pk=contest.pk)
        contest = contests_services.close_contest(contest, by=organiser, note=data.CLOSE_NOTE)
        self.created.append(f"closed «{contest.title}»")
        return contest

    def _screen(self, contest: Contest, organiser: User) -> None:
        slug, reason, note = data.INELIGIBLE
        submitted = Application.objects.filter(contest=contest, state=Application.State.SUBMITTED)
        for n, application in enumerate(submitted.select_related("organisation").order_by("number")):
            if application.organisation.email.split("@")[0] == slug:
                applications_services.mark_ineligible(application, by=organiser, note=note, reason=reason)
            else:
                note_ok = data.ELIGIBLE_NOTES[n % len(data.ELIGIBLE_NOTES)]
                applications_services.mark_eligible(application, by=organiser, note=note_ok)
            self.created.append(f"screened {application.number}")

    # --- the jury ---------------------------------------------------------------------------

    def _jury(self, contest: Contest, organiser: User) -> list[Juror]:
        seated = {j.user.email: j for j in Juror.objects.filter(contest=contest).select_related("user")}
        jurors = []
        for seat in data.JURY:
            juror = seated.get(seat.email)
            if juror is None:
                user = User.objects.get(email=seat.email)
                expertise = Category.objects.filter(classifier__contests=contest, code__in=seat.expertise)
                juror = services.add_juror(
                    contest,
                    user=user,
                    by=organiser,
                    expertise=expertise.distinct(),
                    region=seat.region,
                    chair=seat.chair,
                )
                self.created.append(f"juror {user.email} in «{contest.title}»")
            jurors.append(juror)
        return jurors

    def _assign(self, round_: Round, jurors: list[Juror], organiser: User) -> None:
        assignment = _assignment()
        if hasattr(assignment, "auto_assign"):
            services.auto_assign_and_notify(round_, by=organiser)
        else:
            # Before the optimiser: round-robin by hand, each application to the next jurors
            # who may review it.
            pairs, turn = [], 0
            for application in round_applications(round_).order_by("number"):
                chosen = 0
                for step in range(len(jurors)):
                    juror = jurors[(turn + step) % len(jurors)]
                    if chosen < round_.reviewers_per_application and not services.assignment_problems(
                        round_, juror, application
                    ):
                        pairs.append((juror, application))
                        chosen += 1
                turn += round_.reviewers_per_application
            services.assign(round_, pairs, by=organiser)
        self.created.append(f"{round_.reviews.count()} reviews assigned in {round_.title}")

    def _decline(self, round_: Round, jurors: list[Juror]) -> None:
        """One juror declines one review, declaring a conflict; the service finds a replacement."""
        if not hasattr(_assignment(), "replace_declined"):
            self.summary.append(
                "No declined review seeded: review.assignment.replace_declined, which declining "
                "needs, is not there yet."
            )
            return
        email, reason = data.DECLINING
        review = (
            Review.objects.filter(round=round_, juror__user__email=email, state=Review.State.ASSIGNED)
            .order_by("application__number")
            .first()
        )
        if review is not None:
            services.decline_review(review, by=review.juror.user, note=reason, conflict=True)
            self.created.append(f"declined review {review.pk}")

    def _score(self, round_: Round, jurors: list[Juror]) -> None:
        """Each juror submits all their reviews but `seat.drafts`: the first of those is a draft
        with some criteria scored, the rest stay untouched."""
        seats = {seat.email: seat for seat in data.JURY}
        entries = {entry.slug: entry for entry in data.ENTRIES}
        criteria = list(round_criteria(round_))
        for juror in jurors:
            seat, user = seats[juror.user.email], juror.user
            reviews = list(
                Review.objects.filter(round=round_, juror=juror, state=Review.State.ASSIGNED)
                .select_related("application__organisation")
                .order_by("application__number")
            )
            finished = len(reviews) - min(seat.drafts, len(reviews))
            for n, review in enumerate(reviews):
                entry = entries[review.application.organisation.email.split("@")[0]]
                if n < finished:
                    self._review(review, user, seat, entry, criteria, submit=True)
                elif n == finished:
                    self._review(review, user, seat, entry, criteria[:2], submit=False)

    def _review(self, review: Review, user: User, seat, entry, criteria: list[Criterion], *, submit: bool):
        values = {c.pk: data.score(entry.slug, entry.case, c.order, seat) for c in criteria}
        scores = {
            pk: {
                "value": value,
                "comment": data.comment(data.CRITERION_COMMENTS, value, seat.email, entry.slug, pk)
                if value <= 3 or value >= 9
                else "",
            }
            for pk, value in values.items()
        }
        mean = sum(values.values()) / len(values)
        overall = data.comment(data.OVERALL_COMMENTS, mean, seat.email, entry.slug) if submit else ""
        review = services.save_scores(review, by=user, scores=scores, overall_comment=overall)
        if submit:
            services.submit_review(review, by=user)
        self.created.append(f"review {review.pk} {'submitted' if submit else 'drafted'}")

    def _summarise(self, contest: Contest, round_: Round | None) -> None:
        if round_ is None:
            return
        counts = dict(
            Review.objects.filter(round=round_).values_list("state").annotate(n=Count("pk")).order_by()
        )
        states = ", ".join(f"{s} {counts[s]}" for s in Review.State.values if s in counts)
        unfinished = Counter(
            Review.objects.filter(
                round=round_, juror__user__email=data.DEMO_JUROR, state__in=Review.WRITABLE_STATES
            ).values_list("state", flat=True)
        )
        self.summary.append(
            f"Jury of «{contest.title}»: {contest.jurors.count()} jurors, {round_.title} "
            f"{round_.state}, {sum(counts.values())} reviews ({states}); "
            f"{data.DEMO_JUROR} has {sum(unfinished.values())} to finish."
        )


def _assignment() -> ModuleType | None:
    """review.assignment (the optimiser), if this checkout has it."""
    try:
        return import_module("review.assignment")
    except ImportError:
        return None

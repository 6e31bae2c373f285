"""Writes of the awards: proposing, approving and withdrawing winners, the contest's decide and
announce steps (run whole, calling the contest's transitions), diplomas and results.

Web views, the API and commands all call these; none calls a model's transition directly.
"""

from collections import defaultdict
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Membership, User
from applications.models import Application
from awards import certificates, events, results
from awards.models import CHOOSING_STATES, AwardSettings, Decision, Diploma
from awards.selectors import (
    latest_round,
    live_decisions,
    nomination_rows,
    passed_over,
    rank_position,
    unfinished_work,
)
from contests.models import Contest, ContestRole
from contests.services import scope_of
from core import clock, hooks
from core.exceptions import TransitionRefused, refuse_if
from core.fsm import apply_transition, bulk_changes, log_transitions
from notifications.services import Recipient, notify, notify_many
from review.models import Juror, Review, Score
from review.ranking import RankedRow, rank


def settings_of(contest: Contest) -> AwardSettings:
    found, _created = AwardSettings.objects.get_or_create(contest=contest)
    return found


def update_settings(contest: Contest, **fields: Any) -> AwardSettings:
    if contest.state not in (*CHOOSING_STATES, Contest.State.CLOSED, Contest.State.PUBLISHED):
        raise ValidationError(_("The results are announced; their settings can no longer change."))
    with transaction.atomic():
        found = settings_of(contest)
        for name, value in fields.items():
            setattr(found, name, value)
        found.full_clean()
        found.save()
    return found


# --- choosing winners ---------------------------------------------------------------------------


def _lock(contest: Contest) -> Contest:
    # The contest row owns the totals: every change of winners queues here (no-op on SQLite,
    # which has one writer at a time anyway).
    return Contest.objects.select_for_update().get(pk=contest.pk)


def propose_problems(
    contest: Contest, application: Application, reason: str, rows: list[RankedRow] | None = None
) -> list[str]:
    """Why `application` cannot be proposed as a winner now, in the user's language."""
    if contest.state not in CHOOSING_STATES:
        return [_("Winners are chosen after the review has started and before the announcement.")]
    if application.contest_id != contest.pk:
        return [_("Choose an application of this contest.")]
    if application.state != Application.State.UNDER_REVIEW:
        return [_("Only applications under review can win.")]
    live = live_decisions(contest)
    if live.filter(application=application).exists():
        return [_("This application is already proposed as a winner.")]
    problems = []
    if live.count() >= contest.max_winners:
        problems.append(
            _("The contest allows at most %(count)s winners, and every place is taken.")
            % {"count": contest.max_winners}
        )
    nomination = application.nomination
    if live.filter(nomination=nomination).count() >= nomination.max_winners:
        problems.append(
            _("The nomination “%(nomination)s” allows at most %(count)s winners, and every place is taken.")
            % {"nomination": nomination.title, "count": nomination.max_winners}
        )
    rows = nomination_rows(contest, application) if rows is None else rows
    skipped = passed_over(contest, application, rows)
    if skipped and not reason.strip():
        problems.append(
            _(
                "Higher-ranked applications of this nomination are not chosen (%(numbers)s). "
                "Write the reason for passing over them."
            )
            % {"numbers": ", ".join(a.number or str(a.pk) for a in skipped)}
        )
    return problems


def propose(application: Application, *, by: User, reason: str = "", citation: str = "") -> Decision:
    """Propose a winner from the ranking. It stays pending — organisers and the jury chair see
    it — until someone else approves it, and public only after the announcement."""
    with transaction.atomic():
        contest = _lock(application.contest)
        application = Application.objects.select_related("nomination").get(pk=application.pk)
        rows = nomination_rows(contest, application)
        if problems := propose_problems(contest, application, reason, rows):
            raise ValidationError(problems)
        decision = Decision(
            contest=contest,
            nomination=application.nomination,
            application=application,
            reason=reason.strip(),
            citation=citation.strip(),
            rank_position=rank_position(application, rows),
            proposed_by=by,
        )
        decision.full_clean()
        decision.save()
        _tell_approvers(decision, by=by)
    return decision


def _tell_approvers(decision: Decision, *, by: User) -> None:
    """Someone else must approve a proposed winner: the contest's other organisers and the jury
    chair hear that there is work, in the inbox and by e-mail."""
    contest = decision.contest
    approvers = (
        User.objects.filter(is_active=True)
        .filter(
            Q(contest_roles__contest=contest, contest_roles__role=ContestRole.Role.ORGANISER)
            | Q(pk__in=Juror.objects.filter(contest=contest, chair=True).values("user_id"))
        )
        .exclude(pk=by.pk)
        .distinct()
        .order_by("pk")
    )
    application = decision.application
    notify(
        events.WINNER_PROPOSED.key,
        list(approvers),
        {
            "contest": contest.title,
            "application": application.title,
            "number": application.number,
            "nomination": decision.nomination.title,
            "proposed_by": by.get_full_name() or by.email,
            "link": settings.SITE_URL + reverse("awards:organise", args=[contest.pk]),
        },
        dedupe_key=f"winner-proposed:{decision.pk}",
        scope=scope_of(contest),
    )


def approve(decision: Decision, *, by: User, note: str = "") -> Decision:
    with transaction.atomic():
        _lock(decision.contest)
        return apply_transition(decision, "approve", by=by, note=note)


def withdraw(decision: Decision, *, by: User, note: str = "") -> Decision:
    with transaction.atomic():
        _lock(decision.contest)
        return apply_transition(decision, "withdraw", by=by, note=note)


def update_citation(decision: Decision, *, citation: str) -> Decision:
    if decision.state == Decision.State.WITHDRAWN:
        raise ValidationError(_("This proposal was withdrawn."))
    decision.citation = citation.strip()
    decision.save(update_fields=["citation", "updated_at"])
    return decision


# --- the contest's steps --------------------------------------------------------------------------


def decide(
    contest: Contest, *, by: User, note: str = "", confirm_unfinished: bool = False, reason: str = ""
) -> Contest:
    """The contest's decision step: refused while proposed winners await approval; with reviews
    not submitted or entries not screened, only when the organiser confirms it with a reason."""
    with transaction.atomic():
        refuse_if(pending_problems(contest))
        note = _confirmed_note(contest, "decide", note, confirm_unfinished, reason)
        apply_transition(contest, "decide", by=by, note=note)
    return contest


def announce(
    contest: Contest, *, by: User, note: str = "", confirm_unfinished: bool = False, reason: str = ""
) -> Contest:
    """The contest's announcement step, whole and in one transaction: the contest's results go
    public, the winners are awarded with places and diplomas, everyone else not awarded, the
    score matrix published, every applicant told once. With work unfinished (reviews not
    submitted, entries not screened) only when the organiser confirms it with a reason."""
    with transaction.atomic():
        refuse_if(pending_problems(contest))
        note = _confirmed_note(contest, "announce", note, confirm_unfinished, reason)
        apply_transition(contest, "announce", by=by, note=note)
        _award(contest, by=by)
        hooks.publish("results.announced", Contest, [contest.pk])
    return contest


def _confirmed_note(contest: Contest, step: str, note: str, confirm_unfinished: bool, reason: str) -> str:
    """The guard rail before `decide` and `announce`: with unfinished work the step is refused
    (409, listing it) unless confirmed, and a confirmation needs a reason (400). The reason and
    what was unfinished go into the step's note in the contest's history. Nothing to check when
    the step is not possible from the contest's state (the transition refuses that itself)."""
    if not can_proceed(getattr(contest, step), check_conditions=False):
        return note
    unfinished = unfinished_work(contest)
    if not unfinished.confirmable:
        return note
    if not confirm_unfinished:
        raise TransitionRefused(
            [
                _("Some work is unfinished. Confirm that you want to go ahead anyway and give the reason."),
                *unfinished.lines(),
            ]
        )
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for going ahead with unfinished work.")]})
    confirmed = _("Confirmed with unfinished work: %(what)s Reason: %(reason)s") % {
        "what": " ".join(unfinished.lines()),
        "reason": reason.strip(),
    }
    return "\n".join(part for part in (note.strip(), confirmed) if part)


def pending_problems(contest: Contest) -> list[str]:
    pending = Decision.objects.filter(contest=contest, state=Decision.State.PROPOSED).count()
    if pending:
        return [
            _("%(count)s proposed winners await approval. Approve or withdraw them first.")
            % {"count": pending}
        ]
    return []


def _award(contest: Contest, *, by: User) -> None:
    round_ = latest_round(contest)
    ranking = rank(round_) if round_ else None
    positions = {row.application_id: row.position for row in ranking.rows} if ranking else {}
    winners = list(
        Decision.objects.filter(contest=contest, state=Decision.State.APPROVED).select_related(
            "application__organisation", "nomination"
        )
    )
    _number_places(winners, positions)
    won = {d.application_id for d in winners}
    # Locked and read as plain rows: 10,000 model instances cost more than the writes.
    applications = [
        Notified(*row)
        for row in Application.objects.select_for_update(of=("self",))
        .filter(contest=contest, state=Application.State.UNDER_REVIEW)
        .order_by("pk")
        .values_list(*Notified._fields)
    ]
    _close_applications(contest, applications, won, by=by)
    # Everyone else hears the outcome too, each in the wording of where their entry stopped.
    others = [
        (state, Notified(*row))
        for state, *row in Application.objects.filter(contest=contest, state__in=OUTCOME_EVENTS)
        .order_by("pk")
        .values_list("state", *Notified._fields)
    ]
    signatory = settings_of(contest)
    today = clock.local(clock.now(), contest.time_zone).date()
    diplomas = Diploma.objects.bulk_create(
        Diploma(
            kind=Diploma.Kind.WINNER,
            contest=contest,
            decision=decision,
            application=decision.application,
            organisation_name=decision.application.organisation.name,
            contest_title=contest.title,
            nomination_title=decision.nomination.title,
            application_title=decision.application.title,
            place=decision.place,
            awarded_on=today,
            signatory_name=signatory.signatory_name,
            signatory_title=signatory.signatory_title,
        )
        for decision in winners
    )
    for decision, diploma in zip(winners, diplomas, strict=True):
        decision.diploma = diploma
    certificates.issue_special_diplomas(contest)
    if round_ is not None:
        results.publish(contest, round_, ranking, winners)
    _notify_applicants(contest, applications, {d.application_id: d for d in winners}, signatory, others)


# The applications that never reached the jury's end, by state: each hears its own wording.
OUTCOME_EVENTS = {
    Application.State.INELIGIBLE: events.INELIGIBLE.key,
    Application.State.WITHDRAWN: events.WITHDRAWN.key,
    Application.State.RETURNED: events.LATE.key,
    Application.State.DRAFT: events.UNSENT.key,
    Application.State.SUBMITTED: events.NOT_REVIEWED.key,
    Application.State.ELIGIBLE: events.NOT_REVIEWED.key,
}


class Notified(NamedTuple):
    """What the announcement reads of each application (10,000 of them: no more than it needs)."""

    pk: int
    title: str
    number: str
    organisation_id: int
    created_by_id: int | None
    nomination__title: str


def _close_applications(contest: Contest, applications: list[Notified], won: set[int], *, by: User) -> None:
    """under_review → awarded for the winners, → not_awarded for the rest: two set-based UPDATEs
    of the locked rows (the FSM's per-row save would be 10,000 round trips) and one history row
    per application, as the transitions `award` and `decline_award` would have logged."""
    now = clock.now()
    source = Application.State.UNDER_REVIEW
    for name, target, pks in (
        ("award", Application.State.AWARDED, [a.pk for a in applications if a.pk in won]),
        ("decline_award", Application.State.NOT_AWARDED, [a.pk for a in applications if a.pk not in won]),
    ):
        if not pks:
            continue
        rows = Application.objects.filter(contest=contest, state=source)
        rows = rows.filter(pk__in=won) if target == Application.State.AWARDED else rows
        changed = rows.update(**bulk_changes(Application, state=target, updated_at=now))
        if changed != len(pks):  # the rows are locked: only a bug could get here
            raise RuntimeError(f"{name}: {changed} applications changed, {len(pks)} expected")
        log_transitions(Application, pks, name, source=source, target=target, by=by, at=now)


def _number_places(winners: list[Decision], positions: dict[int, int]) -> None:
    """Places within each nomination follow the ranking (chosen out of order or not)."""
    by_nomination: dict[int, list[Decision]] = defaultdict(list)
    for decision in winners:
        by_nomination[decision.nomination_id].append(decision)
    for decisions in by_nomination.values():
        decisions.sort(key=lambda d: (positions.get(d.application_id, 10**9), d.pk))
        for place, decision in enumerate(decisions, start=1):
            decision.place = place
    Decision.objects.bulk_update(winners, ["place"])


def _comments(contest: Contest, applications: list[Notified]) -> dict[int, list[dict]]:
    """The latest round's submitted comments per application, jurors numbered anonymously."""
    round_ = latest_round(contest)
    if round_ is None:
        return {}
    reviews = Review.objects.filter(
        round=round_,
        state=Review.State.SUBMITTED,
        # The applications just announced (a join, not 10,000 ids).
        application__contest=contest,
        application__state__in=(Application.State.AWARDED, Application.State.NOT_AWARDED),
    ).order_by("juror_id", "pk")
    labels = {pk: n for n, pk in enumerate(sorted({r.juror_id for r in reviews}), start=1)}
    scores: dict[int, list[str]] = defaultdict(list)
    for score in (
        Score.objects.filter(review__in=reviews)
        .exclude(comment="")
        .select_related("criterion")
        .order_by("criterion__order", "criterion_id")
    ):
        scores[score.review_id].append(f"{score.criterion.title}: {score.comment.strip()}")
    found: dict[int, list[dict]] = defaultdict(list)
    for review in reviews:
        parts = [review.overall_comment.strip(), *scores.get(review.pk, [])]
        if text := "\n".join(p for p in parts if p):
            found[review.application_id].append({"juror": labels[review.juror_id], "text": text})
    return found


def _notify_applicants(
    contest: Contest,
    applications: list[Notified],
    winners: dict[int, Decision],
    award: AwardSettings,
    others: list[tuple[str, Notified]] = (),
) -> None:
    comments = _comments(contest, applications) if award.release_comments else {}
    link = settings.SITE_URL + reverse("awards:results", args=[contest.pk])
    # The recipients as plain rows (pk, e-mail, language), two queries: no model per applicant.
    members: dict[int, set[Recipient]] = defaultdict(set)
    told = Application.objects.filter(contest=contest)  # a superset: subqueries, not 10,000 ids
    for organisation_id, *person in Membership.objects.filter(
        organisation__in=told.values("organisation_id"), user__is_active=True
    ).values_list("organisation_id", "user_id", "user__email", "user__language"):
        members[organisation_id].add(Recipient(*person))
    creators = {
        pk: Recipient(pk, email, language)
        for pk, email, language in User.objects.filter(pk__in=told.values("created_by_id")).values_list(
            "pk", "email", "language"
        )
    }
    messages: dict[str, list[tuple[list[Recipient], dict, str]]] = defaultdict(list)
    common = {"contest": contest.title, "link": link}

    def recipients_of(application: Notified) -> list[Recipient]:
        recipients = set(members.get(application.organisation_id, ()))
        if application.created_by_id in creators:
            recipients.add(creators[application.created_by_id])
        return sorted(recipients)

    for application in applications:
        context = {
            **common,
            "application": application.title,
            "number": application.number,
            "nomination": application.nomination__title,
            "comments": comments.get(application.pk, []),
        }
        decision = winners.get(application.pk)
        if decision is not None:
            event = events.AWARDED.key
            context["place"] = decision.place
            context["diploma_link"] = settings.SITE_URL + reverse(
                "awards:diploma", args=[decision.diploma.pk]
            )
        else:
            event = events.NOT_AWARDED.key
        messages[event].append((recipients_of(application), context, f"awards:{application.pk}"))
    for state, application in others:
        context = {
            **common,
            "application": application.title,
            "number": application.number,
            "nomination": application.nomination__title,
        }
        messages[OUTCOME_EVENTS[state]].append(
            (recipients_of(application), context, f"awards:{application.pk}")
        )
    # Each application its own batch and dedupe key, all written at once (per event).
    scope = scope_of(contest)
    for event, items in messages.items():
        notify_many(event, items, scope=scope)

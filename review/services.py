"""Writes of the jury: jurors, rounds, assignments, scores, submissions, conflicts, notes.

Every web view, API action and command goes through these functions; none calls a model's
transition directly.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from accounts.models import Membership, Organisation, User
from applications.models import Application
from contests.models import Category, Contest, ContestRole, Nomination
from contests.services import grant_role, revoke_role, scope_of
from core import clock, versioning
from core.exceptions import TransitionRefused
from core.fsm import apply_transition, bulk_changes, log_transitions
from notifications.services import Recipient, notify, notify_many
from review import events, totals, uncertainty
from review.conflicts import automatic_conflicts, declared_against, record_automatic_conflicts
from review.models import (
    Conflict,
    Juror,
    JuryNote,
    OrganisationConflict,
    Review,
    Round,
    Score,
    ShortlistEntry,
)
from review.selectors import REVIEWABLE_STATES, round_applications, round_criteria

# --- the jury ---------------------------------------------------------------------------------


def add_juror(
    contest: Contest,
    *,
    user: User,
    by: User | None,
    nominations: Iterable[Nomination] = (),
    expertise: Iterable[Category] = (),
    region: str = "",
    max_load: int | None = None,
    chair: bool = False,
) -> Juror:
    """Seat `user` on the contest's jury (granting the juror role), or update their seat."""
    nominations = list(nominations)
    if any(n.contest_id != contest.pk for n in nominations):
        raise ValidationError({"nominations": _("Choose nominations of this contest.")})
    with transaction.atomic():
        grant_role(contest, user=user, role=ContestRole.Role.JUROR, by=by)
        juror, _created = Juror.objects.update_or_create(
            contest=contest, user=user, defaults={"region": region, "max_load": max_load, "chair": chair}
        )
        juror.full_clean()
        juror.nominations.set(nominations)
        juror.expertise.set(list(expertise))
        record_automatic_conflicts(contest)
    return juror


def remove_juror(juror: Juror, *, by: User | None = None) -> None:
    """Only a juror with no live review leaves; otherwise their work would vanish with them."""
    if juror.reviews.filter(state__in=Review.LIVE_STATES).exists():
        raise ValidationError(
            _("This juror has reviews. Recuse them from each application first, so nothing is lost.")
        )
    with transaction.atomic():
        revoke_role(juror.contest, user=juror.user, role=ContestRole.Role.JUROR, by=by)  # logged there
        juror.delete()


# --- rounds -----------------------------------------------------------------------------------


def create_round(contest: Contest, *, by: User, criteria=(), **fields: Any) -> Round:
    if contest.is_finished:
        raise ValidationError(_("This contest is finished and can no longer be changed."))
    with transaction.atomic():
        # Lock the contest so two organisers cannot create two rounds with one number.
        Contest.objects.select_for_update().get(pk=contest.pk)
        last = contest.review_rounds.order_by("-number").values_list("number", flat=True).first() or 0
        round_ = Round(contest=contest, number=last + 1, **fields)
        if not round_.title:
            round_.title = _("Round %(number)s") % {"number": round_.number}
        round_.full_clean()
        round_.save()
        _set_criteria(round_, criteria)
    return round_


def update_round(round_: Round, *, by: User, criteria=None, **fields: Any) -> Round:
    """Change a round's settings and, when given, its criteria, together."""
    with transaction.atomic():
        for name, value in fields.items():
            setattr(round_, name, value)
        round_.full_clean()
        round_.save()
        if criteria is not None:
            _set_criteria(round_, criteria)
    return round_


def _set_criteria(round_: Round, criteria) -> None:
    criteria = list(criteria)
    if any(c.contest_id != round_.contest_id for c in criteria):
        raise ValidationError({"criteria": _("Choose criteria of this contest.")})
    round_.criteria.set(criteria)


def start_contest_review(contest: Contest, *, by: User, note: str = "") -> Contest:
    """The contest's review step, whole and in one transaction: the contest goes in review, its
    eligible applications go under review, and the first round is planned if the organiser has
    not planned one."""
    with transaction.atomic():
        apply_transition(contest, "start_review", by=by, note=note)
        # Set-based: lock the eligible rows, move them in one UPDATE, one history row each.
        eligible = Application.objects.filter(contest=contest, state=Application.State.ELIGIBLE)
        pks = list(eligible.select_for_update().order_by("pk").values_list("pk", flat=True))
        if pks:
            # The rows are locked: the same condition moves exactly them (no list of 10,000 ids).
            changed = eligible.update(**bulk_changes(Application, state=Application.State.UNDER_REVIEW))
            if changed != len(pks):  # only a bug could get here
                raise RuntimeError(f"start_review: {changed} applications changed, {len(pks)} expected")
            log_transitions(
                Application,
                pks,
                "start_review",
                source=Application.State.ELIGIBLE,
                target=Application.State.UNDER_REVIEW,
                by=by,
            )
        if not contest.review_rounds.exists():
            create_round(contest, by=by, due_at=contest.review_ends_at)
    return contest


def open_round(round_: Round, *, by: User, note: str = "") -> Round:
    """Open for scoring; a shortlist not yet confirmed is confirmed now, and the applicants left
    off it are told (once)."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        round_ = apply_transition(round_, "open", by=by, note=note)
        record_automatic_conflicts(round_.contest, by=by)
        if round_.shortlist_confirmed_at is None and round_.shortlist.exists():
            _confirm(round_, by=by)
    return round_


def close_round(round_: Round, *, by: User, note: str = "") -> Round:
    """Close the round, and start computing its chances of winning (review.uncertainty) once it
    is committed: the published results carry them, and for a large round they take seconds, which
    announcing would otherwise spend inside its request."""
    closed = apply_transition(round_, "close", by=by, note=note)
    transaction.on_commit(lambda: uncertainty.for_round(closed), robust=True)
    return closed


# --- the shortlist of a round -----------------------------------------------------------------
#
# A later round reviews only its shortlist (review.selectors.round_applications): the top N per
# nomination of an earlier round's ranking, or applications picked by hand with a reason. It
# changes only while the round is planned and until it is confirmed; confirming it, or opening
# the round, tells the applicants left off it, once.


def _shortlist_locked(target: Round) -> Round:
    """The round, locked, so two organisers changing its shortlist take turns; refused (409)
    when the shortlist can no longer change."""
    target = Round.objects.select_for_update().select_related("contest").get(pk=target.pk)
    if problems := target.shortlist_problems():
        raise TransitionRefused(problems)
    return target


def _require_reason(reason: str, field: str = "reason") -> str:
    if not (reason or "").strip():
        raise ValidationError({field: _("Give the reason.")})
    return reason.strip()


def shortlist_top(target: Round, *, source: Round, per_nomination: int, by: User) -> list[ShortlistEntry]:
    """Put the top `per_nomination` of each nomination in `source`'s ranking (by its method)
    on `target`'s shortlist. Applications already on it stay as they are; unranked ones (no
    submitted review) are never chosen. Returns the entries added."""
    from review.ranking import rank

    if source.contest_id != target.contest_id or source.number >= target.number:
        raise ValidationError({"source_round": _("Choose an earlier round of the same contest.")})
    if not isinstance(per_nomination, int) or per_nomination < 1:
        raise ValidationError({"top_per_nomination": _("Enter a whole number of at least 1.")})
    with transaction.atomic():
        target = _shortlist_locked(target)
        source = Round.objects.get(pk=source.pk)
        if source.state != Round.State.CLOSED:
            raise TransitionRefused(
                [_("Close “%(round)s” first: its ranking may still change.") % {"round": source.title}]
            )
        rows = [
            r for r in rank(source).rows if r.score is not None and r.position_in_nomination <= per_nomination
        ]
        if not rows:
            raise TransitionRefused(
                [
                    _("Nothing is ranked in “%(round)s”: it has no submitted reviews.")
                    % {"round": source.title}
                ]
            )
        on_list = set(target.shortlist.values_list("pk", flat=True))
        applications = Application.objects.select_related("nomination").in_bulk(
            [r.application_id for r in rows]
        )
        entries = []
        for row in rows:
            if row.application_id in on_list:
                continue
            application = applications[row.application_id]
            reason = _(
                "Position %(position)s in the nomination “%(nomination)s” of “%(round)s” (top %(top)s)."
            ) % {
                "position": row.position_in_nomination,
                "nomination": application.nomination.title,
                "round": source.title,
                "top": per_nomination,
            }
            entries.append(
                ShortlistEntry(
                    round=target,
                    application=application,
                    source_round=source,
                    position=row.position_in_nomination,
                    reason=reason,
                    added_by=by,
                )
            )
        ShortlistEntry.objects.bulk_create(entries)
    return entries


def shortlist_pick(
    target: Round, applications: Iterable[Application], *, reason: str, by: User, source: Round | None = None
) -> list[ShortlistEntry]:
    """Put applications picked by hand on `target`'s shortlist, with the organiser's reason.
    All or nothing; those already on it stay as they are. Returns the entries added."""
    chosen = list(applications)
    reason = _require_reason(reason)
    if not chosen:
        raise ValidationError({"applications": _("Choose at least one application.")})
    if source is not None and (source.contest_id != target.contest_id or source.number >= target.number):
        raise ValidationError({"source_round": _("Choose an earlier round of the same contest.")})
    wrong = [a for a in chosen if a.contest_id != target.contest_id or a.state not in REVIEWABLE_STATES]
    if wrong:
        raise ValidationError(
            {
                "applications": _("These applications are not in review in this contest: %(numbers)s.")
                % {"numbers": ", ".join(str(a.number or a.pk) for a in wrong)}
            }
        )
    with transaction.atomic():
        target = _shortlist_locked(target)
        on_list = set(target.shortlist.values_list("pk", flat=True))
        entries = [
            ShortlistEntry(round=target, application=a, source_round=source, reason=reason, added_by=by)
            for a in {a.pk: a for a in chosen}.values()
            if a.pk not in on_list
        ]
        ShortlistEntry.objects.bulk_create(entries)
    return entries


def shortlist_remove(target: Round, application: Application, *, reason: str, by: User) -> ShortlistEntry:
    """Take an application off `target`'s shortlist; the entry stays on record with who and why."""
    reason = _require_reason(reason)
    with transaction.atomic():
        target = _shortlist_locked(target)
        entry = (
            ShortlistEntry.objects.select_for_update()
            .filter(round=target, application=application, removed_at__isnull=True)
            .first()
        )
        if entry is None:
            raise ValidationError({"application": _("This application is not on the shortlist.")})
        entry.removed_at, entry.removed_by, entry.removal_reason = clock.now(), by, reason
        entry.save(update_fields=["removed_at", "removed_by", "removal_reason", "updated_at"])
    return entry


def confirm_shortlist(target: Round, *, by: User) -> int:
    """The organiser confirms the shortlist: from now on it stays as it is, and the applicants
    of the applications left off it are told (once). Returns how many applications were told of."""
    with transaction.atomic():
        target = _shortlist_locked(target)
        if not target.shortlist.exists():
            raise TransitionRefused(
                [
                    _(
                        "The shortlist is empty: add applications first. A round without a shortlist "
                        "reviews every eligible application."
                    )
                ]
            )
        return _confirm(target, by=by)


def _confirm(target: Round, *, by: User | None) -> int:
    Round.objects.filter(pk=target.pk).update(shortlist_confirmed_at=clock.now(), shortlist_confirmed_by=by)
    target.shortlist_confirmed_at, target.shortlist_confirmed_by = clock.now(), by
    return tell_not_shortlisted(target)


def left_off_shortlist(target: Round):
    """The applications the round's shortlist leaves out: those the previous round reviewed (or,
    for a first round, every application in review), not on the shortlist. None without one."""
    if not target.shortlist.exists():
        return Application.objects.none()
    previous = target.contest.review_rounds.filter(number__lt=target.number).order_by("-number").first()
    if previous is not None:
        candidates = round_applications(previous)
    else:
        candidates = Application.objects.filter(contest_id=target.contest_id, state__in=REVIEWABLE_STATES)
    return candidates.exclude(pk__in=target.shortlist.values("pk"))


def tell_not_shortlisted(target: Round) -> int:
    """The message "not on the shortlist" to the staff of each application left off it and to the
    person who made it, in their language; the dedupe key makes it once per round and application."""
    left = list(
        left_off_shortlist(target).values(
            "pk", "title", "number", "organisation_id", "created_by_id", "nomination__title"
        )
    )
    if not left:
        return 0
    members: dict[int, set[Recipient]] = defaultdict(set)
    for organisation_id, *person in Membership.objects.filter(
        organisation_id__in={a["organisation_id"] for a in left}, user__is_active=True
    ).values_list("organisation_id", "user_id", "user__email", "user__language"):
        members[organisation_id].add(Recipient(*person))
    creators = {
        pk: Recipient(pk, email, language)
        for pk, email, language in User.objects.filter(
            pk__in={a["created_by_id"] for a in left if a["created_by_id"]}, is_active=True
        ).values_list("pk", "email", "language")
    }
    contest = target.contest
    items = []
    for application in left:
        recipients = set(members.get(application["organisation_id"], ()))
        if application["created_by_id"] in creators:
            recipients.add(creators[application["created_by_id"]])
        context = {
            "contest": contest.title,
            "round": target.title,
            "application": application["title"],
            "number": application["number"],
            "nomination": application["nomination__title"],
        }
        items.append((sorted(recipients), context, f"not-shortlisted:round-{target.pk}:{application['pk']}"))
    notify_many(events.NOT_SHORTLISTED.key, items, scope=scope_of(contest))
    return len(left)


# --- assignment -------------------------------------------------------------------------------


def assignment_problems(round_: Round, juror: Juror, application: Application) -> list[str]:
    """Why `juror` may not review `application` in `round_`, in the organiser's language."""
    problems = []
    if juror.contest_id != round_.contest_id or application.contest_id != round_.contest_id:
        return [_("The juror and the application must belong to the round's contest.")]
    if application.state not in REVIEWABLE_STATES:
        problems.append(
            _("Application %(number)s has not been screened eligible.") % {"number": application.number}
        )
    elif round_.shortlist.exists() and not round_.shortlist.filter(pk=application.pk).exists():
        problems.append(
            _("Application %(number)s is not on this round's shortlist.") % {"number": application.number}
        )
    if Conflict.objects.filter(juror=juror, application=application).exists() or (
        (juror.pk, application.pk) in automatic_conflicts(round_.contest)
    ):
        problems.append(
            _("%(juror)s has a conflict of interest with application %(number)s.")
            % {"juror": juror.user.display_name, "number": application.number}
        )
    elif (declaration := declared_against(juror, application)) is not None:
        problems.append(
            _(
                "%(juror)s declared a conflict of interest with %(organisation)s, which submitted "
                "application %(number)s."
            )
            % {
                "juror": juror.user.display_name,
                "organisation": declaration.organisation.name,
                "number": application.number,
            }
        )
    nominations = list(juror.nominations.values_list("pk", flat=True))
    if nominations and application.nomination_id not in nominations:
        problems.append(
            _("%(juror)s does not judge the nomination of application %(number)s.")
            % {"juror": juror.user.display_name, "number": application.number}
        )
    return problems


def assign(round_: Round, pairs: Iterable[tuple[Juror, Application]], *, by: User) -> list[Review]:
    """Manual assignment in either direction: one juror to many applications or one application
    to many jurors. All or nothing; pairs already assigned are left as they are."""
    pairs = list(pairs)
    problems = [p for juror, application in pairs for p in assignment_problems(round_, juror, application)]
    if round_.state == Round.State.CLOSED:
        problems.insert(0, _("This round is closed."))
    if problems:
        raise TransitionRefused(problems)
    try:
        with transaction.atomic():
            Round.objects.select_for_update().get(pk=round_.pk)
            existing = set(Review.objects.filter(round=round_).values_list("juror_id", "application_id"))
            made = Review.objects.bulk_create(
                Review(round=round_, juror=juror, application=application, assigned_by=by)
                for juror, application in pairs
                if (juror.pk, application.pk) not in existing
            )
            tell_jurors_of_assignments(round_, Counter(r.juror_id for r in made))
    except IntegrityError:
        # A conflict recorded or declared between the check above and the insert: the
        # database's triggers refused the pair (migrations 0002 and 0005).
        problems = [
            p for juror, application in pairs for p in assignment_problems(round_, juror, application)
        ]
        raise TransitionRefused(
            problems or [_("A conflict of interest was just recorded. Reload and try again.")]
        ) from None
    return made


def unassign(review: Review, *, by: User) -> None:
    """An assignment nobody has started may be taken back; anything scored stays on record."""
    if review.state != Review.State.ASSIGNED or review.scores.exists():
        raise ValidationError(_("The juror has started this review; recuse them instead."))
    review.delete()


def tell_jurors_of_assignments(round_: Round, counts: Counter) -> None:
    """One message per juror with how many applications they were given."""
    if not counts:
        return
    contest = round_.contest
    jurors = Juror.objects.filter(pk__in=counts).select_related("user")
    for juror in jurors:
        notify(
            events.ASSIGNED.key,
            [juror.user],
            {**_round_context(round_), "count": str(counts[juror.pk])},
            dedupe_key=f"assigned:round-{round_.pk}:juror-{juror.pk}:{clock.now().isoformat()}",
            scope=scope_of(contest),
        )


def _round_context(round_: Round) -> dict[str, str]:
    contest = round_.contest
    return {
        "contest": contest.title,
        "round": round_.title,
        "due": contest.moment_label(round_.due_at) if round_.due_at else _("the end of the round"),
        "link": settings.SITE_URL + reverse("review:queue"),
    }


def auto_assign_and_notify(round_: Round, *, by: User):
    """The optimiser fills the missing slots; each juror hears how many they were given."""
    from review.assignment import auto_assign

    with transaction.atomic():
        before = set(Review.objects.filter(round=round_).values_list("pk", flat=True))
        report = auto_assign(round_, by=by)
        made = Review.objects.filter(round=round_).exclude(pk__in=before)
        tell_jurors_of_assignments(round_, Counter(made.values_list("juror_id", flat=True)))
    return report


# --- a juror's work ---------------------------------------------------------------------------


def _locked(review: Review) -> Review:
    return (
        Review.objects.select_for_update()
        .select_related("round__contest", "juror__user", "application")
        .get(pk=review.pk)
    )


def save_scores(
    review: Review,
    *,
    by: User,
    scores: dict[int, dict[str, Any]],
    overall_comment: str | None = None,
    version: int | None = None,
) -> Review:
    """Autosave of a draft: `scores` maps criterion id → {"value": int | None, "comment": str}.
    A value of None clears the score. Bad values refuse everything with errors by criterion.
    `version`, the one the page loaded: if the review was saved since (another window),
    core.versioning.StaleVersion, and nothing is saved."""
    with transaction.atomic():
        review = _locked(review)
        versioning.check(review, version)
        if not review.is_writable:
            raise ValidationError(
                _("This review was submitted and can no longer be changed. Ask the organisers to reopen it.")
            )
        if problems := review.round_problems():
            raise ValidationError(problems)
        criteria = {c.pk: c for c in round_criteria(review.round, review.application.nomination_id)}
        errors: dict[str, str] = {}
        clean: dict[int, tuple[int | None, str]] = {}
        for raw_key, entry in scores.items():
            key = int(raw_key)
            criterion = criteria.get(key)
            if criterion is None:
                errors[str(raw_key)] = _("This criterion is not scored in this round.")
                continue
            value, comment = entry.get("value"), str(entry.get("comment") or "")
            if value in ("", None):
                clean[key] = (None, comment)
                continue
            number = _whole_number(value)
            if number is None:
                errors[str(key)] = _("Enter a whole number.")
                continue
            if not criterion.scale_min <= number <= criterion.scale_max:
                errors[str(key)] = _("Enter a score from %(min)s to %(max)s.") % {
                    "min": criterion.scale_min,
                    "max": criterion.scale_max,
                }
                continue
            clean[key] = (number, comment)
        if errors:
            raise ValidationError(errors)
        if review.state == Review.State.ASSIGNED:
            review.start(by=by)
        existing = {s.criterion_id: s for s in review.scores.all()}
        for key, (value, comment) in clean.items():
            score = existing.get(key)
            if value is None:
                if score is not None:
                    score.delete()
                    versioning.touch(review, f"scores.{key}", by=by)
            elif score is None:
                Score.objects.create(review=review, criterion_id=key, value=value, comment=comment)
                versioning.touch(review, f"scores.{key}", by=by)
            elif (score.value, score.comment) != (value, comment):
                score.value, score.comment = value, comment
                score.save(update_fields=["value", "comment", "updated_at"])
                versioning.touch(review, f"scores.{key}", by=by)
        if overall_comment is not None:
            review.overall_comment = overall_comment
        review.save()
    return review


def _whole_number(value: Any) -> int | None:
    """7 or "7" → 7; 7.5, "7,5", True or "seven" → None (scores are whole numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.lstrip("-").isdigit() and text.count("-") <= int(text.startswith("-")):
        return int(text)
    return None


def missing_criteria(review: Review) -> list[str]:
    scored = set(review.scores.values_list("criterion_id", flat=True))
    return [
        c.title for c in round_criteria(review.round, review.application.nomination_id) if c.pk not in scored
    ]


def submit_review(review: Review, *, by: User, note: str = "") -> Review:
    with transaction.atomic():
        review = _locked(review)
        review = apply_transition(review, "submit", by=by, note=note, missing=missing_criteria(review))
        totals.sync_reviews([review])  # the ranking's stored total, in the same transaction
        return review


def decline_review(review: Review, *, by: User, note: str = "", conflict: bool = False) -> Review:
    """The juror declines; with `conflict` they declare a conflict of interest, which keeps
    them away from the application in every round. Another juror takes the place."""
    with transaction.atomic():
        review = apply_transition(_locked(review), "decline", by=by, note=note)
        if conflict:
            Conflict.objects.get_or_create(
                juror=review.juror,
                application=review.application,
                defaults={"kind": Conflict.Kind.DECLARED, "reason": note, "recorded_by": by},
            )
        _replace(review, by=by)
    return review


def recuse(juror: Juror, application: Application, *, by: User, reason: str) -> Conflict:
    """An organiser recuses a juror from an application in every round: live reviews are
    declined (submitted scores stay on record but stop counting) and replaced."""
    if not reason.strip():
        raise TransitionRefused([_("Give the reason for the recusal.")])
    if juror.contest_id != application.contest_id:
        raise ValidationError(_("The juror and the application must belong to the same contest."))
    with transaction.atomic():
        live = list(
            Review.objects.select_for_update().filter(
                juror=juror, application=application, state__in=Review.LIVE_STATES
            )
        )
        for review in live:
            apply_transition(review, "recuse", by=by, note=reason)
        totals.sync_reviews(live)  # a recused submitted review stops counting at once
        conflict, _created = Conflict.objects.update_or_create(
            juror=juror,
            application=application,
            defaults={"kind": Conflict.Kind.RECUSED, "reason": reason, "recorded_by": by},
        )
        for review in live:
            if review.round.is_open:
                _replace(review, by=by)
    return conflict


def recuse_review(review: Review, *, by: User, note: str = "") -> Conflict:
    """The review's step "recuse": `recuse` for its juror and application, refused like any step
    once the review is no longer live, so of two organisers recusing at once one records it and
    the other is told it happened (recuse alone finds nothing live and succeeds again)."""
    with transaction.atomic():
        review = _locked(review)
        if review.state not in Review.LIVE_STATES:
            raise TransitionNotAllowed(
                f"Can't recuse from state '{review.state}'.", object=review, method=review.recuse
            )
        return recuse(review.juror, review.application, by=by, reason=note)


def _replace(review: Review, *, by: User) -> None:
    from review.assignment import replace_declined

    if (replacement := replace_declined(review, by=by)) is not None:
        tell_jurors_of_assignments(review.round, Counter({replacement.juror_id: 1}))


def reopen_review(review: Review, *, by: User, note: str = "") -> Review:
    with transaction.atomic():
        review = apply_transition(_locked(review), "reopen", by=by, note=note)
        totals.sync_reviews([review])
        notify(
            events.REOPENED.key,
            [review.juror.user],
            {**_round_context(review.round), "application": review.application.number, "note": note},
            dedupe_key=f"reopened:review-{review.pk}:{clock.now().isoformat()}",
            scope=scope_of(review.round.contest),
        )
    return review


# --- discussion -------------------------------------------------------------------------------


def add_note(round_: Round, application: Application, *, by: User, text: str) -> JuryNote:
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    if application.contest_id != round_.contest_id:
        raise ValidationError(_("The application must belong to the round's contest."))
    return JuryNote.objects.create(round=round_, application=application, author=by, text=text.strip())


def set_consensus(round_: Round, application: Application, *, by: User, text: str) -> JuryNote:
    """The organiser's consensus note: one per application and round, edited in place."""
    if application.contest_id != round_.contest_id:
        raise ValidationError(_("The application must belong to the round's contest."))
    note, _created = JuryNote.objects.update_or_create(
        round=round_, application=application, consensus=True, defaults={"author": by, "text": text.strip()}
    )
    return note


# --- conflicts of interest with a whole organisation -------------------------------------------


def _declaration_context(declaration: OrganisationConflict) -> dict[str, str]:
    contest = declaration.juror.contest
    return {
        "contest": contest.title,
        "juror": declaration.juror.user.display_name,
        "organisation": declaration.organisation.name,
        "note": declaration.note,
    }


def _organisation_reviews(declaration: OrganisationConflict, states) -> list[Review]:
    """The juror's reviews, in every round of the contest, of the organisation's applications,
    locked."""
    return list(
        Review.objects.select_for_update()
        .filter(
            juror_id=declaration.juror_id,
            application__organisation_id=declaration.organisation_id,
            state__in=states,
        )
        .select_related("round", "application")
        .order_by("pk")
    )


def _lock_rounds(contest: Contest) -> None:
    """Assignment holds its round's lock while it writes (`assign`, `auto_assign`,
    `replace_declined`): taking every round of the contest first means a declaration and an
    assignment of the same juror never cross."""
    list(
        Round.objects.select_for_update().filter(contest=contest).order_by("pk").values_list("pk", flat=True)
    )


def declare_organisation_conflict(
    juror: Juror, *, organisation: Organisation, note: str, by: User
) -> OrganisationConflict:
    """The juror declares a conflict of interest with a whole organisation: from now on no
    application of it in the contest (also one submitted later) is assigned to them. Their
    unfinished reviews of its applications are declined (with the note) and handed to another
    juror; a submitted one stays until the organisers accept the declaration. The organisers
    are told, to review it."""
    note = (note or "").strip()
    contest = juror.contest
    if contest.is_finished:
        raise ValidationError(_("This contest is finished and can no longer be changed."))
    errors = {}
    if not note:
        errors["note"] = _("Say what ties you to this organisation.")
    if Membership.objects.filter(user_id=juror.user_id, organisation=organisation).exists():
        errors["organisation"] = _(
            "You work for this organisation: that conflict of interest is recorded automatically."
        )
    if errors:
        raise ValidationError(errors)
    duplicate = ValidationError(
        {
            "organisation": _(
                "You have already declared a conflict of interest with this organisation; "
                "it stands until the organisers reject it."
            )
        }
    )
    with transaction.atomic():
        Juror.objects.select_for_update().get(pk=juror.pk)  # two clicks at once make one row
        _lock_rounds(contest)
        standing = OrganisationConflict.objects.filter(
            juror=juror, organisation=organisation, state__in=OrganisationConflict.STANDING_STATES
        )
        if standing.exists():
            raise duplicate
        try:
            with transaction.atomic():
                declaration = OrganisationConflict.objects.create(
                    juror=juror, organisation=organisation, note=note, declared_by=by
                )
        except IntegrityError:
            raise duplicate from None
        reason = _("Conflict of interest declared with %(organisation)s: %(note)s") % {
            "organisation": organisation.name,
            "note": note,
        }
        for review in _organisation_reviews(declaration, (Review.State.ASSIGNED, Review.State.IN_PROGRESS)):
            apply_transition(review, "decline", by=by, note=reason)
            if review.round.is_open:
                _replace(review, by=by)
        organisers = list(
            User.objects.filter(
                is_active=True, contest_roles__contest=contest, contest_roles__role=ContestRole.Role.ORGANISER
            ).distinct()
        )
        notify(
            events.ORGANISATION_CONFLICT_DECLARED.key,
            organisers,
            {
                **_declaration_context(declaration),
                "link": settings.SITE_URL + reverse("review:jury", args=[contest.pk]) + "#declarations",
            },
            dedupe_key=f"organisation-conflict:{declaration.pk}:declared",
            scope=scope_of(contest),
        )
    return declaration


def _tell_juror_of_decision(declaration: OrganisationConflict) -> None:
    notify(
        events.ORGANISATION_CONFLICT_DECIDED.key,
        [declaration.juror.user],
        {
            **_declaration_context(declaration),
            "accepted": "yes" if declaration.state == OrganisationConflict.State.ACCEPTED else "",
            "reason": declaration.decision_reason,
            "link": settings.SITE_URL + reverse("review:declarations"),
        },
        dedupe_key=f"organisation-conflict:{declaration.pk}:{declaration.state}",
        scope=scope_of(declaration.juror.contest),
    )


def _locked_declaration(declaration: OrganisationConflict) -> OrganisationConflict:
    return (
        OrganisationConflict.objects.select_for_update()
        .select_related("juror__contest", "juror__user", "organisation")
        .get(pk=declaration.pk)
    )


def accept_organisation_conflict(
    declaration: OrganisationConflict, *, by: User, note: str = ""
) -> OrganisationConflict:
    """The organisers accept the declaration: it keeps excluding the organisation, and the
    juror's reviews of its applications still live (submitted ones too: their scores stay on
    record but stop counting) are recused and, in an open round, handed to another juror."""
    with transaction.atomic():
        _lock_rounds(declaration.juror.contest)
        declaration = apply_transition(_locked_declaration(declaration), "accept", by=by, note=note)
        reason = _("Conflict of interest with %(organisation)s accepted by the organisers.") % {
            "organisation": declaration.organisation.name
        }
        recused = list(_organisation_reviews(declaration, Review.LIVE_STATES))
        for review in recused:
            apply_transition(review, "recuse", by=by, note=reason)
            if review.round.is_open:
                _replace(review, by=by)
        totals.sync_reviews(recused)
        _tell_juror_of_decision(declaration)
    return declaration


def reject_organisation_conflict(
    declaration: OrganisationConflict, *, by: User, note: str = ""
) -> OrganisationConflict:
    """The organisers reject the declaration, with their reason for the juror: it no longer
    excludes anything, and the organisation's applications may be assigned to the juror again
    (reviews they declined stay declined)."""
    with transaction.atomic():
        declaration = apply_transition(_locked_declaration(declaration), "reject", by=by, note=note)
        _tell_juror_of_decision(declaration)
    return declaration

"""Conflicts of interest: automatic ones (the juror's own organisation; optionally the same
oblast) are recorded as rows, so the database triggers and the permissions see one truth.
A juror's declaration of a conflict with a whole organisation (OrganisationConflict) is read
here too: while it stands (pending or accepted) it covers every application of that
organisation in the contest, also those submitted after it was made."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Membership
from applications.models import Application
from contests.models import Contest
from core import clock
from core.bulk import insert_rows
from core.fsm import bulk_changes, log_transitions
from review.models import Conflict, Juror, OrganisationConflict, Review


def _candidate_applications(contest: Contest) -> QuerySet[Application]:
    return Application.objects.filter(contest=contest).exclude(state__in=Application.EDITABLE_STATES)


def automatic_conflicts(contest: Contest) -> dict[tuple[int, int], str]:
    """(juror id, application id) → kind, for every automatic conflict in the contest."""
    found: dict[tuple[int, int], str] = {}
    jurors = list(Juror.objects.filter(contest=contest).values_list("pk", "user_id", "region"))
    if not jurors:
        return found
    applications = list(
        _candidate_applications(contest).values_list("pk", "organisation_id", "organisation__region")
    )
    memberships: dict[int, set[int]] = {}
    for user_id, organisation_id in Membership.objects.filter(
        user_id__in=[user for _pk, user, _region in jurors]
    ).values_list("user_id", "organisation_id"):
        memberships.setdefault(user_id, set()).add(organisation_id)
    # Grouped, so the work follows the conflicts found, not jurors × applications (3 million
    # pairs for 300 jurors and 10,000 applications).
    by_organisation: dict[int, list[int]] = {}
    by_region: dict[str, list[int]] = {}
    for application_id, organisation_id, region in applications:
        by_organisation.setdefault(organisation_id, []).append(application_id)
        by_region.setdefault(region, []).append(application_id)
    for juror_id, user_id, juror_region in jurors:
        if contest.conflict_same_region and juror_region:
            for application_id in by_region.get(juror_region, ()):
                found[(juror_id, application_id)] = Conflict.Kind.SAME_REGION
        for organisation_id in memberships.get(user_id, ()):
            for application_id in by_organisation.get(organisation_id, ()):
                found[(juror_id, application_id)] = Conflict.Kind.OWN_ORGANISATION  # it prevails
    return found


def record_automatic_conflicts(contest: Contest, *, by=None) -> int:
    """Write the automatic conflicts not yet recorded. An unfinished review that one of them
    forbids is declined first (set-based, each with its history row: the `recuse` step, by `by`
    or the system); a submitted one stays (it is evidence) and keeps its pair out of the table,
    for the organiser to judge. Returns how many conflicts were added."""
    found = automatic_conflicts(contest)
    with transaction.atomic():
        known = set(Conflict.objects.filter(juror__contest=contest).values_list("juror_id", "application_id"))
        new = {pair: kind for pair, kind in found.items() if pair not in known}
        if not new:
            return 0
        live = Review.objects.filter(juror__contest=contest, state__in=Review.LIVE_STATES)
        to_decline: dict[str, list[int]] = {}
        submitted = set()
        rows = live.values_list("pk", "juror_id", "application_id", "state")
        for pk, juror_id, application_id, state in rows:
            if (juror_id, application_id) in new:
                if state == Review.State.SUBMITTED:
                    submitted.add((juror_id, application_id))
                else:
                    to_decline.setdefault(state, []).append(pk)
        reason = _("A conflict of interest was found automatically.")
        now = clock.now()
        for state, pks in to_decline.items():
            Review.objects.filter(pk__in=pks, state=state).update(
                **bulk_changes(Review, state=Review.State.DECLINED, decline_reason=reason, updated_at=now)
            )
            log_transitions(
                Review, pks, "recuse", source=state, target=Review.State.DECLINED, by=by, note=reason, at=now
            )
        # 30 jurors of one oblast each, 10,000 applications: ~60,000 rows in one statement.
        return insert_rows(
            Conflict,
            [(j, a, kind) for (j, a), kind in new.items() if (j, a) not in submitted],
            columns=["juror_id", "application_id", "kind"],
        )


def standing_declarations(contest: Contest) -> QuerySet[OrganisationConflict]:
    """The contest's declarations that keep jurors away from organisations now."""
    return OrganisationConflict.objects.filter(
        juror__contest=contest, state__in=OrganisationConflict.STANDING_STATES
    )


def declared_pairs(contest: Contest) -> set[tuple[int, int]]:
    """(juror id, application id) for every application of an organisation a juror declared a
    conflict with (pending or accepted): one query, whatever the number of applications."""
    return set(
        Application.objects.filter(
            contest=contest,
            organisation__juror_conflicts__juror__contest=contest,
            organisation__juror_conflicts__state__in=OrganisationConflict.STANDING_STATES,
        ).values_list("organisation__juror_conflicts__juror_id", "pk")
    )


def conflicted_pairs(contest: Contest) -> set[tuple[int, int]]:
    """Every (juror id, application id) that must not be assigned: recorded, automatic or
    covered by a declaration against the application's organisation."""
    recorded = set(Conflict.objects.filter(juror__contest=contest).values_list("juror_id", "application_id"))
    return recorded | set(automatic_conflicts(contest)) | declared_pairs(contest)


def declared_against(juror: Juror, application: Application) -> OrganisationConflict | None:
    """The standing declaration of `juror` against the organisation of `application`, if any."""
    return (
        OrganisationConflict.objects.filter(
            juror=juror,
            organisation_id=application.organisation_id,
            state__in=OrganisationConflict.STANDING_STATES,
        )
        .select_related("organisation")
        .first()
    )

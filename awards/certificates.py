"""Documents beyond the winners' diplomas, issued with the same mechanism (awards.models.Diploma
with a `kind`, a verification code, the one PDF template): special award diplomas (at the
announcement), certificates of participation for every eligible applicant and letters of thanks
for every juror who submitted a review (in bulk, on the organiser's request, after the
announcement).

A bulk issue is an IssueRun: started here, carried out by a Celery task (awards.tasks) chunk by
chunk, each chunk its own transaction that also records the progress. Issuing is idempotent:
a holder who already has the document is skipped (and unique constraints hold it at the
database), so a second run, or a run resumed after a failure, issues only what is missing.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from applications.models import Application
from awards import events
from awards.models import AwardSettings, Diploma, IssueRun, SpecialAwardChoice
from contests.models import Contest
from contests.services import scope_of
from core import clock
from core.exceptions import TransitionRefused
from notifications.services import Recipient, notify_many
from review.models import Juror, Review

RESULT_STATES = (Contest.State.ANNOUNCED, Contest.State.ARCHIVED)
# Applications whose organisation receives a certificate of participation.
PARTICIPATION_STATES = (
    Application.State.ELIGIBLE,
    Application.State.UNDER_REVIEW,
    Application.State.AWARDED,
    Application.State.NOT_AWARDED,
)
CHUNK = 200
logger = logging.getLogger(__name__)


def _signatory(contest: Contest) -> AwardSettings:
    found, _created = AwardSettings.objects.get_or_create(contest=contest)
    return found


def _today(contest: Contest):
    return clock.local(clock.now(), contest.time_zone).date()


def participation_holders(contest: Contest) -> QuerySet[Application]:
    """The applications owed a certificate of participation and not holding one yet."""
    issued = Diploma.objects.filter(
        contest=contest, kind=Diploma.Kind.PARTICIPATION, application=OuterRef("pk")
    )
    return (
        Application.objects.filter(contest=contest, state__in=PARTICIPATION_STATES)
        .exclude(Exists(issued))
        .select_related("organisation", "nomination")
        .order_by("pk")
    )


def thanks_holders(contest: Contest) -> QuerySet[Juror]:
    """The jurors owed a letter of thanks (at least one review submitted), not holding one yet."""
    submitted = Review.objects.filter(juror=OuterRef("pk"), state=Review.State.SUBMITTED)
    issued = Diploma.objects.filter(contest=contest, kind=Diploma.Kind.THANKS, juror=OuterRef("pk"))
    return (
        Juror.objects.filter(contest=contest)
        .filter(Exists(submitted))
        .exclude(Exists(issued))
        .select_related("user")
        .order_by("pk")
    )


def holders(contest: Contest, kind: str) -> QuerySet:
    return participation_holders(contest) if kind == IssueRun.Kind.PARTICIPATION else thanks_holders(contest)


def owed_total(contest: Contest, kind: str) -> int:
    """How many documents of `kind` the contest owes in all (issued or not)."""
    if kind == IssueRun.Kind.PARTICIPATION:
        return Application.objects.filter(contest=contest, state__in=PARTICIPATION_STATES).count()
    submitted = Review.objects.filter(juror=OuterRef("pk"), state=Review.State.SUBMITTED)
    return Juror.objects.filter(contest=contest).filter(Exists(submitted)).count()


def issued_count(contest: Contest, kind: str) -> int:
    return Diploma.objects.filter(contest=contest, kind=kind).count()


def start_problems(contest: Contest, kind: str) -> list[str]:
    if contest.state not in RESULT_STATES:
        return [_("Certificates and letters of thanks are issued after the results are announced.")]
    if IssueRun.objects.filter(contest=contest, kind=kind, state=IssueRun.State.RUNNING).exists():
        return [_("These documents are being issued already; wait until the run ends.")]
    return []


def start_issue(contest: Contest, kind: str, *, by: User | None) -> IssueRun:
    """Record a run and hand it to the task (after commit; at once in embedded mode)."""
    from awards.tasks import issue_documents  # the task module imports this one

    try:
        with transaction.atomic():
            contest = Contest.objects.select_for_update().get(pk=contest.pk)
            if problems := start_problems(contest, kind):
                raise TransitionRefused(problems)
            total = owed_total(contest, kind)
            run = IssueRun.objects.create(
                contest=contest, kind=kind, total=total, done=issued_count(contest, kind), started_by=by
            )
            issue_documents.delay_on_commit(run.pk)
    except IntegrityError as error:  # two starts at once: the partial unique index refused one
        raise TransitionRefused([_("These documents are being issued already.")]) from error
    return run


def run_issue(run_id: int, chunk: int = CHUNK) -> IssueRun:
    """Issue what the run's contest still owes, chunk by chunk, recording progress after each."""
    run = IssueRun.objects.select_related("contest").get(pk=run_id)
    if run.state != IssueRun.State.RUNNING:
        return run
    contest = run.contest
    try:
        while True:
            with transaction.atomic():
                batch = list(holders(contest, run.kind)[:chunk])
                if batch:
                    issued = _issue(contest, run.kind, batch)
                    _notify(contest, issued)
                IssueRun.objects.filter(pk=run.pk).update(
                    done=issued_count(contest, run.kind), updated_at=clock.now()
                )
            if len(batch) < chunk:
                break
        IssueRun.objects.filter(pk=run.pk).update(
            state=IssueRun.State.DONE, finished_at=clock.now(), updated_at=clock.now()
        )
    except Exception as error:  # recorded for the organiser (the page and API show it), and logged
        logger.exception("Issue run %s failed", run.pk)
        IssueRun.objects.filter(pk=run.pk).update(
            state=IssueRun.State.FAILED, error=str(error)[:2000], finished_at=clock.now()
        )
    run.refresh_from_db()
    return run


def _issue(contest: Contest, kind: str, batch: list) -> list[Diploma]:
    signatory = _signatory(contest)
    common = {
        "contest": contest,
        "contest_title": contest.title,
        "awarded_on": _today(contest),
        "signatory_name": signatory.signatory_name,
        "signatory_title": signatory.signatory_title,
    }
    if kind == IssueRun.Kind.PARTICIPATION:
        documents = [
            Diploma(
                kind=Diploma.Kind.PARTICIPATION,
                application=application,
                organisation_name=application.organisation.name,
                holder_name=application.organisation.name,
                nomination_title=application.nomination.title,
                application_title=application.title,
                **common,
            )
            for application in batch
        ]
    else:
        documents = [
            Diploma(kind=Diploma.Kind.THANKS, juror=juror, holder_name=juror.user.display_name, **common)
            for juror in batch
        ]
    return Diploma.objects.bulk_create(documents)


def issue_special_diplomas(contest: Contest) -> list[Diploma]:
    """A diploma for every special award choice of the contest without one (at the announcement,
    in its transaction; idempotent). Its holders are told."""
    choices = list(
        SpecialAwardChoice.objects.filter(award__contest=contest, diploma__isnull=True)
        .select_related("award", "application__organisation", "application__nomination")
        .order_by("award_id", "pk")
    )
    if not choices:
        return []
    signatory = _signatory(contest)
    documents = Diploma.objects.bulk_create(
        Diploma(
            kind=Diploma.Kind.SPECIAL,
            contest=contest,
            application=choice.application,
            special_choice=choice,
            organisation_name=choice.application.organisation.name,
            holder_name=choice.application.organisation.name,
            contest_title=contest.title,
            nomination_title=choice.application.nomination.title,
            application_title=choice.application.title,
            award_title=choice.award.title,
            reason=choice.reason,
            awarded_on=_today(contest),
            signatory_name=signatory.signatory_name,
            signatory_title=signatory.signatory_title,
        )
        for choice in choices
    )
    _notify(contest, documents)
    return documents


def _notify(contest: Contest, documents: Iterable[Diploma]) -> None:
    """Each holder hears of their document: the library's members, or the juror."""
    documents = list(documents)
    organisation_ids = {d.application.organisation_id for d in documents if d.application_id}
    members: dict[int, list[Recipient]] = defaultdict(list)
    for organisation_id, *person in (
        Membership.objects.filter(organisation_id__in=organisation_ids, user__is_active=True)
        .order_by("user_id")
        .values_list("organisation_id", "user_id", "user__email", "user__language")
    ):
        members[organisation_id].append(Recipient(*person))
    items = []
    for document in documents:
        if document.juror_id:
            user = document.juror.user
            recipients = [Recipient(user.pk, user.email, user.language)] if user.is_active else []
        else:
            recipients = members.get(document.application.organisation_id, [])
        if not recipients:
            continue
        context = {
            "contest": contest.title,
            "document": str(document.get_kind_display()),
            "holder": document.issued_to,
            "code": document.code,
            "link": settings.SITE_URL + reverse("awards:diploma", args=[document.pk]),
        }
        items.append((recipients, context, f"awards-document:{document.code}"))
    if items:
        notify_many(events.DOCUMENT_ISSUED.key, items, scope=scope_of(contest))

"""Read-side querysets for applications: scoping first, so what a user may not see is never fetched."""

from django.db.models import BooleanField, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL

from accounts.models import Membership, User
from applications.models import Application, Attachment, DownloadLog, LateSubmissionCode, Revision
from contests.models import Category, ContestRole, FormField
from core.compiled import Compiled, objects_together, set_prefetched


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Applicants see their organisations' applications; organisers those of their contests."""
    if not user.is_authenticated:
        return Application.objects.none()
    if user.is_staff:
        return Application.objects.all()
    mine = Membership.objects.filter(user=user).values("organisation")
    organised = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest")
    return Application.objects.filter(Q(organisation__in=mine) | Q(contest__in=organised))


def with_caller_roles(applications: QuerySet[Application], user: User) -> QuerySet[Application]:
    """Each application with the caller's roles on it, in the same query: `caller_is_member` (of
    the applicant organisation) and `caller_organises` (its contest). applications.rules answers
    from them, so loading an application is also its permission check."""
    if not user.is_authenticated:
        return applications
    return applications.annotate(
        caller_pk=Value(user.pk, output_field=IntegerField()),
        caller_is_member=Exists(
            Membership.objects.filter(user=user, organisation=OuterRef("organisation_id"))
        ),
        caller_organises=Exists(
            ContestRole.objects.filter(
                user=user, role=ContestRole.Role.ORGANISER, contest=OuterRef("contest_id")
            )
        ),
    )


def visible_with_caller_roles(user: User) -> QuerySet[Application]:
    """applications_visible_to(user) with the caller's roles (with_caller_roles), scoped by those
    roles themselves: one pair of subqueries to build and run instead of two."""
    if not user.is_authenticated or user.is_staff:
        return with_caller_roles(applications_visible_to(user), user)
    return with_caller_roles(Application.objects.all(), user).filter(
        Q(caller_is_member=True) | Q(caller_organises=True)
    )


def applications_of_organisations(user: User) -> QuerySet[Application]:
    """The applicant's own, for their dashboard."""
    return Application.objects.filter(organisation__memberships__user=user)


def applications_of_caller_as_member(user: User) -> QuerySet[Application]:
    """The caller's organisations' applications, for what only members may do (saving answers,
    submitting). The membership join is the scope and the permission check at once, and the
    caller's other role comes as a plain SQL condition: with_caller_roles' two Exists() cost
    ≈ 3 ms a request to compile, more than running them."""
    application = Application._meta.db_table
    organises = RawSQL(
        f"EXISTS (SELECT 1 FROM {ContestRole._meta.db_table} r WHERE r.contest_id = "
        f'"{application}"."contest_id" AND r.user_id = %s AND r.role = %s)',
        (user.pk, ContestRole.Role.ORGANISER.value),
        output_field=BooleanField(),
    )
    return applications_of_organisations(user).annotate(
        caller_pk=Value(user.pk, output_field=IntegerField()),
        caller_is_member=Value(True, output_field=BooleanField()),
        caller_organises=organises,
    )


# The members' scoped, locked load of one application (saving answers, the applicant's steps),
# with its files, categories and form: every save of the form runs it, so it is compiled once
# per process (core.compiled), as are its files', categories' and questions' queries, and the
# four go to PostgreSQL in one round trip (objects_together).
_CALLER, _APPLICATION = -1, -2  # stand-ins: no row has a negative id
# What saving and the applicant's steps never read of the contest and the nomination: the call's
# long texts and the records' edit stamps (a real call's regulations run to tens of kilobytes,
# and each autosave would read them). Read on demand, should a path ever need them.
NOT_LOADED_FOR_MEMBERS = (
    "contest__summary",
    "contest__regulations",
    "contest__conditions",
    "contest__field_versions",
    "nomination__description",
    "nomination__field_versions",
)
_OF_MEMBER = Compiled(
    lambda: (
        applications_of_caller_as_member(User(pk=_CALLER))
        .select_related("organisation", "contest", "nomination")
        .defer(*NOT_LOADED_FOR_MEMBERS)
        .filter(pk=_APPLICATION)
        .select_for_update(of=("self",))
    )
)
_ATTACHMENTS = Compiled(
    lambda: Attachment.objects.filter(application_id=_APPLICATION).order_by("field_key", "pk")
)
_CATEGORIES = Compiled(lambda: Category.objects.filter(applications=_APPLICATION))
_LARGEST_ID = 2**63 - 1


def _of_the_application(column: str) -> Subquery:
    return Subquery(Application.objects.filter(pk=_APPLICATION).values(column)[:1])


# The form of the application `_APPLICATION`, found by its id alone (questions_for's query, with
# the contest and nomination read by subqueries): it can then go in the same round trip as the
# load that reads them. Used only once that load found the row the caller may change.
_QUESTIONS_OF_APPLICATION = Compiled(
    lambda: (
        FormField.objects.filter(contest_id=_of_the_application("contest_id"))
        .filter(Q(nomination__isnull=True) | Q(nomination_id=_of_the_application("nomination_id")))
        .order_by("order", "pk")
    )
)


def locked_for_member(user: User, pk: object) -> Application | None:
    """The application `pk` of one of the caller's organisations, its row locked until the
    transaction ends (call inside `transaction.atomic()`), with the caller's roles
    (applications_of_caller_as_member), its files, its categories and its form (questions_for
    answers from it); None when it is not theirs or `pk` is no id. One round trip on PostgreSQL:
    the lock is granted before the other three are read (the server runs them in order)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk <= _LARGEST_ID or not user.is_authenticated:
        return None
    found, attachments, categories, questions = objects_together(
        [
            (_OF_MEMBER, {_CALLER: user.pk, _APPLICATION: pk}),
            (_ATTACHMENTS, {_APPLICATION: pk}),
            (_CATEGORIES, {_APPLICATION: pk}),
            (_QUESTIONS_OF_APPLICATION, {_APPLICATION: pk}),
        ]
    )
    if not found:
        return None  # what else was read is not the caller's: dropped unseen
    application = found[0]
    for attachment in attachments:
        attachment.application = application  # as prefetch_related sets it
    set_prefetched(application, "attachments", attachments)
    set_prefetched(application, "categories", categories)
    application._form = ((application.contest_id, application.nomination_id), questions)
    return application


def _questions(nomination_id: int | None) -> QuerySet[FormField]:
    return (
        FormField.objects.filter(contest_id=_CONTEST)
        .filter(Q(nomination__isnull=True) | Q(nomination_id=nomination_id))
        .order_by("order", "pk")
    )


# Read by every save and every submission: compiled once per process (core.compiled).
_CONTEST, _NOMINATION = -3, -4
_QUESTIONS = Compiled(lambda: _questions(_NOMINATION))
_COMMON_QUESTIONS = Compiled(lambda: _questions(None))


# Read by every submission (its number and its receipt's recipients): compiled once per process.
_ORGANISATION = -5
_REVISION_NUMBERS = Compiled(
    lambda: (
        Revision.objects.filter(application_id=_APPLICATION)
        .order_by("-number")
        .values_list("number", flat=True)[:1]
    )
)
_ACTIVE_MEMBERS = Compiled(
    lambda: User.objects.filter(memberships__organisation_id=_ORGANISATION, is_active=True)
)


def next_revision_number(application: Application) -> int:
    """The number the application's next frozen revision takes (they count from 1)."""
    last = _REVISION_NUMBERS.objects({_APPLICATION: application.pk})
    return (last[0] if last else 0) + 1


def active_members_of(organisation_id: int) -> list[User]:
    """Who receives what is sent to an organisation: its members whose accounts are active."""
    return _ACTIVE_MEMBERS.objects({_ORGANISATION: organisation_id})


def questions_for(application: Application) -> list[FormField]:
    """The form this application answers: common questions and those of its nomination (read
    with the application by locked_for_member, while its contest and nomination are those)."""
    loaded = application.__dict__.get("_form")
    if loaded is not None and loaded[0] == (application.contest_id, application.nomination_id):
        return list(loaded[1])
    if application.nomination_id is None:
        return _COMMON_QUESTIONS.objects({_CONTEST: application.contest_id})
    return _QUESTIONS.objects({_CONTEST: application.contest_id, _NOMINATION: application.nomination_id})


def revisions_of(application: Application) -> QuerySet[Revision]:
    return application.revisions.select_related("submitted_by").order_by("number")


def diff_revisions(older: Revision, newer: Revision, questions: list[FormField]) -> list[dict]:
    """What changed between two revisions, question by question, in the form's order."""
    labels = {q.key: q.label for q in questions}
    order = {q.key: i for i, q in enumerate(questions)}
    changes = []
    if older.title != newer.title:
        changes.append(
            {
                "key": "title",
                "label": str(Application._meta.get_field("title").verbose_name),
                "before": older.title,
                "after": newer.title,
            }
        )
    keys = sorted(set(older.answers) | set(newer.answers), key=lambda k: (order.get(k, 10_000), k))
    for key in keys:
        before, after = older.answers.get(key), newer.answers.get(key)
        if before != after:
            changes.append({"key": key, "label": labels.get(key, key), "before": before, "after": after})
    files_before = {a["question"]: a for a in older.attachments}
    files_after = {a["question"]: a for a in newer.attachments}
    for key in sorted(set(files_before) | set(files_after), key=lambda k: (order.get(k, 10_000), k)):
        a, b = files_before.get(key), files_after.get(key)
        if (a or {}).get("sha256") != (b or {}).get("sha256"):
            changes.append(
                {
                    "key": key,
                    "label": labels.get(key, key),
                    "before": a["name"] if a else None,
                    "after": b["name"] if b else None,
                }
            )
    return changes


def late_codes_organised_by(user: User) -> QuerySet[LateSubmissionCode]:
    """Late-submission codes of the contests the user organises."""
    if not user.is_authenticated:
        return LateSubmissionCode.objects.none()
    organised = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest")
    return LateSubmissionCode.objects.filter(contest__in=organised)


def draft_holders(contest) -> QuerySet[User]:
    """Active members of the organisations holding a draft in the contest: the people a moved
    deadline concerns (registered with contests.services.deadline_audience)."""
    holders = Application.objects.filter(contest=contest, state=Application.State.DRAFT).values(
        "organisation"
    )
    return User.objects.filter(memberships__organisation__in=holders, is_active=True).distinct()


def downloads_of(application: Application) -> QuerySet[DownloadLog]:
    """Who downloaded the application's private files and when, newest first (the organisers'
    log: applications.downloads writes it)."""
    return DownloadLog.objects.filter(application=application).select_related("user").order_by("-at", "-pk")

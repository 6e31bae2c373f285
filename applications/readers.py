"""Who reads an application besides its applicant and its contest's organisers: a registry that
higher apps fill at start-up (review registers the jurors assigned to the application), so this
app never imports them (DESIGN.md's layers).

A reader reads the application's files (web and API alike) only while the higher app says so —
for a juror: while a review of it is live in any round, never after declining or a recusal —
and without the files that app withholds (in blind review, those answering a question marked
identifying). Every download is logged (applications.downloads).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import User
from applications.models import Application, Attachment


@dataclass(frozen=True)
class Reader:
    """`applications(user)`: the applications the user reads now (a queryset, used as a subquery).
    `withheld(user, application)`: the file questions (keys) hidden from them on that application.
    `neutral_names(user, application)`: True when the files' own names must not reach them either
    (blind review: a file name may name the applicant); they are then named after the question."""

    applications: Callable[[User], QuerySet[Application]]
    withheld: Callable[[User, Application], set[str]]
    neutral_names: Callable[[User, Application], bool] = lambda user, application: False


READERS: list[Reader] = []


def register(reader: Reader) -> None:
    if reader not in READERS:
        READERS.append(reader)


def readable_by(user: User) -> QuerySet[Application]:
    """The applications the user reads as a reader (not as applicant or organiser)."""
    if not user.is_authenticated or not READERS:
        return Application.objects.none()
    scope = Q()
    for reader in READERS:
        scope |= Q(pk__in=reader.applications(user).values("pk"))
    return Application.objects.filter(scope)


@dataclass(frozen=True)
class Reading:
    """How one reader sees one application's files."""

    withheld: frozenset[str]
    neutral_names: bool

    def shows(self, attachment: Attachment) -> bool:
        return attachment.field_key not in self.withheld

    def name_of(self, attachment: Attachment) -> str:
        if not self.neutral_names:
            return attachment.original_name
        return f"{attachment.field_key}.{attachment.kind}" if attachment.kind else attachment.field_key


FULL = Reading(withheld=frozenset(), neutral_names=False)


def reading_of(user: User, application: Application) -> Reading | None:
    """None when the user reads the application's files as no reader; else what they may see.
    Several readers granting access (two live rounds): a file is withheld if any withholds it."""
    if not user.is_authenticated:
        return None
    granting = [r for r in READERS if r.applications(user).filter(pk=application.pk).exists()]
    if not granting:
        return None
    withheld: set[str] = set()
    for reader in granting:
        withheld |= set(reader.withheld(user, application))
    return Reading(
        withheld=frozenset(withheld),
        neutral_names=any(r.neutral_names(user, application) for r in granting),
    )


def reading_for(user: User, application: Application) -> Reading | None:
    """What the user may read of the application's files: all of them for those who see the
    application (its applicant, its contest's organisers, staff), a reader's share for a reader,
    None (answer 404) for anyone else."""
    if user.has_perm("applications.view_application", application):
        return FULL
    return reading_of(user, application)

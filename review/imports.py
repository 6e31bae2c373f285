"""Import of a contest's jurors from a table, through the accounts' import jobs (preview, then
one all-or-nothing transaction; see accounts.imports).

A person with an account is seated at once with `add_juror`. A person without one gets an
invitation (accounts' Invitation with the JURY purpose, the seat's details in its payload): no
account is created for them, so nobody holds an account they never asked for and cannot reach.
They are seated when they accept it, logged in with the invited address (`seat_invited_juror`
below, registered with accounts' `on_accepting`, in the acceptance's transaction). Until then the
organiser sees them among the import's invitations, not on the jury, and assignments cannot reach them.

A row for someone already on the jury, or already invited to it and not yet answered, is shown
as "will be skipped"; two rows with one e-mail are an error.
"""

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import imports
from accounts.imports import (
    Column,
    ImportPages,
    Progress,
    RowResult,
    check_email,
    check_length,
    choice_lookup,
)
from accounts.models import ImportJob, Invitation, User
from accounts.regions import Region
from accounts.services import on_accepting, send_invitations
from contests.models import Category, Contest, Nomination
from core import clock
from review.models import Juror
from review.services import add_juror

LIST_SEPARATORS = (";", ",")


def scope_of(contest: Contest) -> str:
    return f"contest:{contest.pk}"


def contest_of(scope: str) -> Contest:
    return Contest.objects.get(pk=int(scope.removeprefix("contest:")))


def _split(text: str, separators: tuple[str, ...]) -> list[str]:
    for separator in separators[1:]:
        text = text.replace(separator, separators[0])
    return [part.strip() for part in text.split(separators[0]) if part.strip()]


class JurorImporter:
    kind = ImportJob.Kind.JURORS

    def pages(self, scope: str) -> ImportPages:
        contest_id = contest_of(scope).pk
        return ImportPages(
            upload_url=reverse("review_imports:jurors_import", args=[contest_id]),
            upload_label=_("Back to the jurors' import"),
            done_url=reverse("contests:people", args=[contest_id]),
            done_label=_("See the contest's people"),
            created_label=_("Seated on the jury"),
        )

    def columns(self) -> list[Column]:
        return [
            Column(
                "email",
                _("E-mail"),
                ("електронна пошта", "е-пошта", "email", "e-mail"),
                True,
                "juror@example.org",
            ),
            Column(
                "full_name",
                _("Full name"),
                ("піб", "прізвище ім'я по батькові", "full name", "name"),
                False,
                "Вигадана Ірина Олегівна",
            ),
            Column(
                "region",
                _("Region"),
                ("область", "регіон", "region", "oblast"),
                False,
                str(Region.POLTAVA.label),
            ),
            Column(
                "nominations",
                _("Nominations"),
                ("номінації", "номінація", "nominations", "nomination"),
                False,
                "Номінація 1; Номінація 2",
            ),
            Column(
                "expertise",
                _("Expertise"),
                ("експертиза", "категорії", "expertise", "categories"),
                False,
                "1.1; 2",
            ),
            Column(
                "max_load",
                _("Max load"),
                ("макс навантаження", "навантаження", "max load", "maximum load"),
                False,
                "20",
            ),
        ]

    def preview(self, rows: list[dict[str, str]], numbers: list[int], *, scope: str) -> list[RowResult]:
        contest = contest_of(scope)
        regions = choice_lookup(Region.choices, strip=imports.REGION_WORDS)
        nominations = {n.title.casefold().strip(): n.pk for n in Nomination.objects.filter(contest=contest)}
        categories: dict[str, list[int]] = {}
        for pk, code in Category.objects.filter(classifier__contests=contest).values_list("pk", "code"):
            categories.setdefault(code.casefold(), []).append(pk)
        results = []
        for number, values in zip(numbers, rows, strict=True):
            result = RowResult(number, values)
            email = check_email(result, "email", values.get("email", ""))
            if not email and "email" not in result.errors:
                result.error("email", _("Required."))
            check_length(result, "email", email, User._meta.get_field("email").max_length)
            name = values.get("full_name", "").strip()
            check_length(result, "full_name", name, User._meta.get_field("full_name").max_length)
            region_text = values.get("region", "").strip()
            region = regions.get(region_text.casefold(), "") if region_text else ""
            if region_text and not region:
                result.error("region", _("Unknown region “%(value)s”.") % {"value": region_text})
            nomination_ids = []
            for title in _split(values.get("nominations", ""), (";",)):
                if title.casefold() in nominations:
                    nomination_ids.append(nominations[title.casefold()])
                else:
                    result.error(
                        "nominations", _("No nomination “%(title)s” in this contest.") % {"title": title}
                    )
            category_ids = []
            for code in _split(values.get("expertise", ""), LIST_SEPARATORS):
                found = categories.get(code.casefold(), [])
                if len(found) == 1:
                    category_ids.append(found[0])
                elif found:
                    result.error(
                        "expertise", _("The code %(code)s is in more than one classifier.") % {"code": code}
                    )
                else:
                    result.error("expertise", _("No category with the code %(code)s.") % {"code": code})
            load_text = values.get("max_load", "").strip()
            max_load = None
            if load_text:
                if load_text.isdigit() and 0 < int(load_text) <= 10_000:
                    max_load = int(load_text)
                else:
                    result.error("max_load", _("Enter a whole number of applications, 1 or more."))
            result.clean = {
                "email": email,
                "full_name": name,
                "region": region,
                "nominations": nomination_ids,
                "expertise": category_ids,
                "max_load": max_load,
            }
            results.append(result)
        self._against_file_and_database(contest, results)
        return results

    def _against_file_and_database(self, contest: Contest, results: list[RowResult]) -> None:
        first: dict[str, int] = {}
        for result in results:
            email = result.clean["email"]
            if email and email in first:
                result.error("email", _("The same e-mail as in row %(row)d.") % {"row": first[email]})
            elif email and "email" not in result.errors:
                first[email] = result.number
        emails = list(first)
        users = imports.existing_users(emails)
        seated = set(
            Juror.objects.filter(contest=contest)
            .annotate(lower=Lower("user__email"))
            .filter(lower__in=emails)
            .values_list("lower", flat=True)
        )
        invited = {
            email.lower()
            for email, payload in Invitation.objects.filter(
                purpose=Invitation.Purpose.JURY, accepted_at__isnull=True, expires_at__gt=clock.now()
            )
            .annotate(lower=Lower("email"))
            .filter(lower__in=emails)
            .values_list("email", "payload")
            if payload.get("contest") == contest.pk
        }
        for result in results:
            email = result.clean["email"]
            if email in seated:
                result.skip = _("Already on the jury — will be skipped.")
            elif email in invited:
                result.skip = _("Already invited to the jury — will be skipped.")
            elif email and email not in users and not result.clean["full_name"]:
                result.error(
                    "full_name", _("Required for a person without an account: they get an invitation.")
                )
            result.clean["has_account"] = email in users

    def write(self, results: list[RowResult], *, scope: str, by: User | None, progress: Progress) -> dict:
        contest = contest_of(scope)
        fresh = [r for r in results if not r.skip]
        users = imports.existing_users(r.clean["email"] for r in fresh)
        nominations = {n.pk: n for n in Nomination.objects.filter(contest=contest)}
        categories = {c.pk: c for c in Category.objects.filter(classifier__contests=contest)}
        seated = 0
        invitations = []
        for done, result in enumerate(fresh, start=1):
            clean = result.clean
            user = users.get(clean["email"])
            if user is not None:
                add_juror(
                    contest,
                    user=user,
                    by=by,
                    nominations=[nominations[pk] for pk in clean["nominations"]],
                    expertise=[categories[pk] for pk in clean["expertise"]],
                    region=clean["region"],
                    max_load=clean["max_load"],
                )
                seated += 1
            else:
                invitations.append(
                    Invitation(
                        purpose=Invitation.Purpose.JURY,
                        email=clean["email"],
                        full_name=clean["full_name"],
                        invited_by=by,
                        payload={
                            "contest": contest.pk,
                            "title": contest.title,
                            "region": clean["region"],
                            "nominations": clean["nominations"],
                            "expertise": clean["expertise"],
                            "max_load": clean["max_load"],
                        },
                    )
                )
            if done % 100 == 0:
                progress(done)
        invitations = Invitation.objects.bulk_create(invitations)
        invited = send_invitations(invitations, by=by)
        progress(len(fresh))
        return {"created": seated, "invited": invited}


JURORS = imports.register(JurorImporter())


@on_accepting(Invitation.Purpose.JURY)
def seat_invited_juror(invitation: Invitation, user: User) -> None:
    """Seat a person who accepted a jury invitation, as the imported row described them."""
    payload = invitation.payload
    contest = Contest.objects.filter(pk=payload.get("contest")).first()
    if contest is None:
        raise ValidationError(_("The contest of this invitation no longer exists."))
    add_juror(
        contest,
        user=user,
        by=invitation.invited_by,
        nominations=Nomination.objects.filter(contest=contest, pk__in=payload.get("nominations", [])),
        expertise=Category.objects.filter(classifier__contests=contest, pk__in=payload.get("expertise", [])),
        region=payload.get("region", ""),
        max_load=payload.get("max_load"),
    )

"""`manage.py seed_demo_contests`: the contests part of the invented demo, in Ukrainian.

`manage.py seed_demo_applications` (in the applications app, a higher layer) extends this
command with demo applications through `seed_more`, `manage.py seed_demo_review` (in the
review app) with the jury and `manage.py seed_demo` (in the grants app) with grants; this one
seeds people, libraries and contests only.

Idempotent: every object is looked up by a natural key (an e-mail, a title, a code, a
form-field key) and created only when missing; nothing existing is changed, so a second
run creates and changes nothing. Contest state moves only through contests.services.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services as accounts_services
from accounts.models import Membership, Organisation, User
from contests import services
from contests.management import demo_data as data
from contests.models import Category, Classifier, Contest, ContestRole, Criterion, FormField, Nomination
from core import clock


def _at(days: int, hour: int, tz: str) -> datetime:
    """Today + `days`, at `hour`:00 in the contest's time zone."""
    zone = ZoneInfo(tz)
    day = clock.now().astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=zone)


class Command(BaseCommand):
    help = "Create an invented demo in Ukrainian: contests, libraries, jurors, an organiser. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even when DEBUG is off (the demo logins share one known password).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like production. The demo accounts share a known "
                "password; pass --force if you really want them here."
            )
        self.created: list[str] = []
        self.summary: list[str] = []
        self._password_hash: str | None = None
        with transaction.atomic():
            admin = self._user(data.ADMIN, staff=True)
            organiser = self._user(data.ORGANISER)
            self._organisers_group(organiser)
            grant_officer = self._user(data.GRANT_OFFICER)
            jurors = [self._user(person) for person in data.JURORS]
            libraries = [self._library(*row) for row in data.LIBRARIES]
            classifier = self._classifier()

            main = self._contest(
                data.MAIN_CONTEST,
                organiser=organiser,
                classifier=classifier,
                opens_at=_at(-4, 9, data.MAIN_CONTEST["time_zone"]),
                closes_at=_at(40, 18, data.MAIN_CONTEST["time_zone"]),
                review_ends_at=_at(70, 18, data.MAIN_CONTEST["time_zone"]),
                announce_at=_at(80, 12, data.MAIN_CONTEST["time_zone"]),
            )
            self._structure(main, data.MAIN_NOMINATIONS, data.MAIN_CRITERIA, data.MAIN_FORM)
            draft = self._contest(
                data.DRAFT_CONTEST,
                organiser=organiser,
                classifier=classifier,
                opens_at=_at(14, 9, data.DRAFT_CONTEST["time_zone"]),
                closes_at=_at(60, 18, data.DRAFT_CONTEST["time_zone"]),
                review_ends_at=_at(80, 18, data.DRAFT_CONTEST["time_zone"]),
                announce_at=_at(90, 12, data.DRAFT_CONTEST["time_zone"]),
            )
            self._structure(draft, data.DRAFT_NOMINATIONS, data.DRAFT_CRITERIA, data.DRAFT_FORM)

            for contest in (main, draft):
                self._role(contest, organiser, ContestRole.Role.ORGANISER, organiser)
                self._role(contest, grant_officer, ContestRole.Role.GRANT_OFFICER, organiser)
            for juror in jurors:
                self._role(main, juror, ContestRole.Role.JUROR, organiser)

            if main.state == Contest.State.DRAFT:
                problems = main.publish_problems()
                if problems:
                    raise CommandError(
                        "The demo contest cannot be published: " + "; ".join(map(str, problems))
                    )
                services.publish_contest(main, by=organiser, note="Демонстраційний конкурс")
                self.created.append(f"published «{main.title}»")
            if draft.state == Contest.State.DRAFT and (problems := draft.publish_problems()):
                raise CommandError(
                    "The draft demo contest would not pass publishing: " + "; ".join(map(str, problems))
                )
            self.seed_more(main=main, organiser=organiser, libraries=libraries)

        self._report(admin, organiser, grant_officer, jurors, libraries)

    def seed_more(self, *, main: Contest, organiser: User, libraries: list[Organisation]) -> None:
        """A hook for higher layers' demo data, in the same transaction: append what is
        created to `self.created` and lines for the summary to `self.summary`."""

    # --- people and organisations ----------------------------------------------------------

    def _user(self, person: dict, *, staff: bool = False) -> User:
        user = User.objects.filter(email__iexact=person["email"]).first()
        if user is not None:
            return user  # never touch an existing account, its password included
        if staff:
            user = User.objects.create_superuser(email=person["email"], full_name=person["full_name"])
        else:
            user = accounts_services.sign_up(
                email=person["email"], full_name=person["full_name"], password=None
            )
        # One demo password for everyone: hash it once (key stretching costs ~0.3 s per hash).
        if self._password_hash is None:
            self._password_hash = make_password(data.DEMO_PASSWORD)
        user.password = self._password_hash
        user.save(update_fields=["password"])
        self.created.append(f"user {user.email}")
        return user

    def _organisers_group(self, organiser: User) -> None:
        group, created = Group.objects.get_or_create(name=data.ORGANISERS_GROUP)
        if created:
            self.created.append(f"group {group.name}")
        permission = Permission.objects.get(content_type__app_label="contests", codename="add_contest")
        if not group.permissions.filter(pk=permission.pk).exists():
            group.permissions.add(permission)
        if not organiser.groups.filter(pk=group.pk).exists():
            organiser.groups.add(group)

    def _library(self, slug, name, kind, region, settlement, address, staff_name) -> Organisation:
        user = self._user({"email": data.login(slug), "full_name": staff_name})
        email = f"{slug}@example.org"
        organisation = Organisation.objects.filter(email=email).first()
        if organisation is None:
            organisation = accounts_services.register_organisation(
                by=user,
                name=name,
                kind=kind,
                region=region,
                settlement=settlement,
                address=address,
                email=email,
            )
            self.created.append(f"organisation {name}")
        elif not Membership.objects.filter(user=user, organisation=organisation).exists():
            Membership.objects.create(user=user, organisation=organisation, is_admin=True)
        organisation.demo_login = user.email
        return organisation

    # --- contests -----------------------------------------------------------------------------

    def _classifier(self) -> Classifier:
        classifier, created = Classifier.objects.get_or_create(
            title=data.CLASSIFIER["title"], defaults={"description": data.CLASSIFIER["description"]}
        )
        if created:
            self.created.append(f"classifier {classifier.title}")
        by_code: dict[str, Category] = {}
        for order, (code, parent_code, title) in enumerate(data.CATEGORIES):
            by_code[code], _created = Category.objects.get_or_create(
                classifier=classifier,
                code=code,
                defaults={"title": title, "parent": by_code.get(parent_code), "order": order},
            )
        return classifier

    def _contest(self, fields: dict, *, organiser: User, classifier: Classifier, **timeline) -> Contest:
        contest = Contest.objects.filter(title=fields["title"]).order_by("pk").first()
        if contest is None:
            contest = services.create_contest(by=organiser, classifiers=[classifier], **fields, **timeline)
            self.created.append(f"contest «{contest.title}»")
        return contest

    def _structure(self, contest: Contest, nominations, criteria, form) -> None:
        for order, fields in enumerate(nominations):
            if not contest.nominations.filter(title=fields["title"]).exists():
                services.save_part(Nomination(contest=contest), order=order, **fields)
        for order, (title, description, weight) in enumerate(criteria):
            if not contest.criteria.filter(title=title).exists():
                services.save_part(
                    Criterion(contest=contest),
                    order=order,
                    title=title,
                    description=description,
                    weight=weight,
                    scale_min=0,
                    scale_max=10,
                )
        for order, (key, label, field_type, required, extras) in enumerate(form):
            if not contest.form_fields.filter(key=key).exists():
                services.save_part(
                    FormField(contest=contest),
                    order=order,
                    key=key,
                    label=label,
                    field_type=field_type,
                    required=required,
                    **extras,
                )

    def _role(self, contest: Contest, user: User, role: str, by: User) -> None:
        if not ContestRole.objects.filter(contest=contest, user=user, role=role).exists():
            services.grant_role(contest, user=user, role=role, by=by)
            self.created.append(f"role {role} for {user.email}")

    # --- output -------------------------------------------------------------------------------

    def _report(self, admin, organiser, grant_officer, jurors, libraries) -> None:
        out = self.stdout
        if self.created:
            out.write(self.style.SUCCESS(f"Demo data: created {len(self.created)} objects."))
        else:
            out.write(self.style.SUCCESS("Demo data already present: nothing created or changed."))
        for line in self.summary:
            out.write(line)
        out.write("")
        out.write(f"Demo logins (password for all: {data.DEMO_PASSWORD})")
        rows = [
            ("staff admin (/admin/)", admin.email),
            ("organiser (both contests)", organiser.email),
            ("grant officer", grant_officer.email),
        ]
        rows += [(f"juror {i}", juror.email) for i, juror in enumerate(jurors, 1)]
        rows += [(f"applicant: {lib.name}", lib.demo_login) for lib in libraries]
        width = max(len(role) for role, _ in rows)
        for role, email in rows:
            out.write(f"  {role.ljust(width)}  {email}")

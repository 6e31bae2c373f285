"""`manage.py seed_demo_applications`: the contests and applications parts of the demo, in Ukrainian.

First the contests part (`seed_demo_contests`: people, libraries, contests), then, in the
same transaction, applications to the published demo contest in every screening state.
`manage.py seed_demo_review` (in the review app, a higher layer) extends this command through
`seed_more`. Each layer's command has a name of its own: Django runs the command of the
app listed first in INSTALLED_APPS, so a second `seed_demo` here would shadow the grants'.
Applications are written only through applications.services, so states, revisions,
history and receipts are real. Idempotent: an application is looked up by organisation,
contest and nomination and created only when missing; an existing one is never changed.
"""

import logging
from contextlib import contextmanager

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from accounts.models import Organisation, User
from applications import services
from applications.management import demo_applications as demo
from applications.models import Application
from contests.management import demo_data
from contests.management.commands.seed_demo_contests import Command as ContestsSeedCommand
from contests.models import Contest, FormField

LIBRARIES = {row[0]: row for row in demo_data.LIBRARIES}
FILE_QUESTION = "attachment"


class Command(ContestsSeedCommand):
    help = (
        "Create an invented demo in Ukrainian: contests, libraries, jurors, an organiser and "
        "applications in every state. Idempotent."
    )

    def handle(self, *args, **options):
        # Receipts are delivered eagerly on commit: no line per task, and no notice that the
        # in-memory broker URL names no host.
        with _quiet("celery", logging.WARNING), _quiet("kombu.connection", logging.ERROR):
            return super().handle(*args, **options)

    def seed_more(self, *, main: Contest, organiser: User, libraries: list[Organisation]) -> None:
        super().seed_more(main=main, organiser=organiser, libraries=libraries)
        organisations = {org.email.split("@")[0]: org for org in libraries}
        nominations = [main.nominations.get(title=n["title"]) for n in demo_data.MAIN_NOMINATIONS]
        questions = {q.key: q for q in main.form_fields.all()}
        existing = set(
            Application.objects.filter(contest=main).values_list("organisation_id", "nomination_id")
        )
        missing = [
            entry
            for entry in demo.ENTRIES
            if (organisations[entry.slug].pk, nominations[demo.CASES[entry.case].nomination].pk)
            not in existing
        ]
        if missing and not main.is_accepting_applications:
            self.summary.append(
                f"The demo contest is not accepting applications now: {len(missing)} demo "
                "applications were not created."
            )
            missing = []
        for entry in missing:
            organisation = organisations[entry.slug]
            nomination = nominations[demo.CASES[entry.case].nomination]
            self._application(entry, main, nomination, organisation, organiser, questions)
            self.created.append(f"application of {organisation.name} in «{nomination.title}»")
        counts = dict(
            Application.objects.filter(contest=main)
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
        states = ", ".join(
            f"{state} {counts[state]}" for state in Application.State.values if state in counts
        )
        self.summary.append(f"Applications to «{main.title}»: {sum(counts.values())} ({states}).")

    def _application(
        self,
        entry: demo.Entry,
        contest: Contest,
        nomination,
        organisation: Organisation,
        organiser: User,
        questions: dict[str, FormField],
    ) -> Application:
        library = LIBRARIES[entry.slug]
        applicant = User.objects.get(email=organisation.demo_login)
        application = services.start_application(
            organisation=organisation,
            contest=contest,
            nomination=nomination,
            title=demo.title_for(entry, library),
            by=applicant,
        )
        answers = {k: v for k, v in demo.answers_for(entry, library).items() if k in questions}
        if entry.state == demo.DRAFT_PARTIAL:
            answers = {k: v for k, v in answers.items() if k in demo.PARTIAL_KEYS}
        corrected = dict(answers)
        needs_correction = entry.state in (demo.RETURNED, demo.RESUBMITTED, demo.ELIGIBLE_AFTER_RETURN)
        if needs_correction and "services_provided" in answers:
            # The first submission disagrees with its own results text; the organiser asks.
            answers["services_provided"] = max(1, int(answers["services_provided"]) - 100)
            if "results" in corrected:
                corrected["results"] = corrected["results"] + demo.CORRECTION
        application = services.save_answers(application, answers=answers, by=applicant)
        self._attach(entry, library, application, applicant, questions.get(FILE_QUESTION))

        if entry.state in (demo.DRAFT_PARTIAL, demo.DRAFT):
            return application
        if entry.state == demo.WITHDRAWN_DRAFT:
            return services.withdraw_application(application, by=applicant, note=entry.note)
        application = services.submit_application(application, by=applicant)
        if entry.state == demo.WITHDRAWN:
            return services.withdraw_application(application, by=applicant, note=entry.note)
        if entry.state == demo.INELIGIBLE:
            return services.mark_ineligible(application, by=organiser, note=entry.note, reason=entry.reason)
        if needs_correction:
            application = services.return_application(application, by=organiser, note=demo.RETURN_NOTE)
            if entry.state == demo.RETURNED:
                return application
            application = services.save_answers(application, answers=corrected, by=applicant)
            application = services.submit_application(
                application, by=applicant, note="Виправлено кількість наданих послуг."
            )
        if entry.state in (demo.ELIGIBLE, demo.ELIGIBLE_AFTER_RETURN):
            note = demo.ELIGIBLE_NOTES[len(entry.slug) % len(demo.ELIGIBLE_NOTES)]
            return services.mark_eligible(application, by=organiser, note=note)
        return application

    def _attach(self, entry, library, application, applicant, question: FormField | None) -> None:
        if question is None or question.field_type != FormField.Type.FILE:
            return
        if entry.attachment == "png" and "png" not in question.accepted_file_types:
            entry = demo.Entry(entry.slug, entry.case, entry.state, attachment="pdf")  # an older form
        file = demo.attachment_for(entry, library)
        if file is None:
            return
        name, content = file
        services.add_attachment(
            application,
            field_key=question.key,
            upload=SimpleUploadedFile(name, content),
            by=applicant,
            public=entry.state in (demo.ELIGIBLE, demo.ELIGIBLE_AFTER_RETURN),
        )


@contextmanager
def _quiet(logger_name: str, level: int):
    logger = logging.getLogger(logger_name)
    previous = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(previous)

"""Jurors read the files of the applications assigned to them (applications.readers, registered
at start-up in review.apps).

A juror reads an application's files while a review of it is theirs and live in any round
(assigned, in progress, submitted or reopened): never after declining it or being recused, and
never with a conflict of interest recorded for the pair. In a blind contest the files answering
a question marked identifying (FormField.identifying, set by the organiser on the question) are
withheld, and the files they do get are named after the question instead of the applicant's own
file name (which may name the library).
"""

from django.db.models import QuerySet

from accounts.models import User
from applications.answers import display_answer
from applications.models import Application
from applications.readers import Reader, reading_for
from contests.models import FormField
from review.models import Conflict, Review
from review.selectors import shown_questions


def assigned_to(user: User) -> QuerySet[Application]:
    conflicted = Conflict.objects.filter(juror__user=user, application__isnull=False).values("application")
    return Application.objects.filter(
        reviews__juror__user=user, reviews__state__in=Review.LIVE_STATES
    ).exclude(pk__in=conflicted)


def withheld(user: User, application: Application) -> set[str]:
    if not application.contest.blind_review:
        return set()
    return set(
        FormField.objects.filter(contest_id=application.contest_id, identifying=True).values_list(
            "key", flat=True
        )
    )


def neutral_names(user: User, application: Application) -> bool:
    return application.contest.blind_review


JURORS = Reader(applications=assigned_to, withheld=withheld, neutral_names=neutral_names)


def answers_shown(user: User, review: Review) -> list[dict]:
    """The review page's answers: each question the juror may see (review.selectors.shown_questions)
    with its value, a file question with its file (`file`, `file_name`) when the user may read it
    (applications.readers), else None."""
    application = review.application
    reading = reading_for(user, application)
    files = {a.field_key: a for a in application.attachments.all()} if reading else {}
    rows = []
    for question, value in shown_questions(review):
        if question.field_type == FormField.Type.FILE:
            attachment = files.get(question.key)
            if attachment is not None and reading.shows(attachment):
                rows.append(
                    {
                        "question": question,
                        "is_file": True,
                        "file": attachment,
                        "file_name": reading.name_of(attachment),
                    }
                )
            else:
                rows.append({"question": question, "is_file": True, "file": None})
        else:
            rows.append({"question": question, "value": display_answer(value, empty="—")})
    return rows

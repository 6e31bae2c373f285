"""A report's answers, checked with the application form's own rules (applications.answers):
its questions have the same types and attributes as a contest's form fields."""

from typing import Any

from applications.answers import AnswerCheck, AnswerProblem, check_answers, submission_problems


def questions_of(report) -> list:
    return list(report.campaign.questions.all())


def attached_keys(report) -> set[str]:
    return set(report.attachments.values_list("question_key", flat=True))


def check(report, answers: dict[str, Any]) -> AnswerCheck:
    return check_answers(questions_of(report), answers)


def report_problems(report) -> list[AnswerProblem]:
    """What keeps the report from being submitted: wrong stored answers, required ones missing."""
    return submission_problems(questions_of(report), report.answers or {}, attached_keys(report))

"""Answers checked against the contest's form: types, required, lengths, choices."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from contests.models import FormField

T = FormField.Type
DEFAULT_MAX_LENGTH = {T.SHORT_TEXT: 300, T.LONG_TEXT: 20_000}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
YES = {True, "true", "yes", "1", "так", "on"}
NO = {False, "false", "no", "0", "ні", "off"}


@dataclass
class AnswerCheck:
    cleaned: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def clean_value(question: FormField, value: Any) -> Any:
    """The stored form of one answer, or ValidationError with a message for the applicant."""
    kind = question.field_type
    if kind in (T.SHORT_TEXT, T.LONG_TEXT):
        if not isinstance(value, str):
            raise ValidationError(_("Enter text."))
        text = value.strip() if kind == T.SHORT_TEXT else value.strip("\n ")
        if kind == T.SHORT_TEXT and ("\n" in text or "\r" in text):
            raise ValidationError(_("Enter a single line."))
        if CONTROL.search(text):
            raise ValidationError(_("The text contains invisible control characters."))
        limit = question.max_length or DEFAULT_MAX_LENGTH[kind]
        if len(text) > limit:
            raise ValidationError(
                _("At most %(limit)s characters (now %(length)s).") % {"limit": limit, "length": len(text)}
            )
        return text
    if kind == T.NUMBER:
        try:
            number = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
        except (InvalidOperation, ValueError):
            raise ValidationError(_("Enter a number, e.g. 1607 or 12,5.")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise ValidationError(_("Enter a number, e.g. 1607 or 12,5."))
        return format(number.normalize(), "f")
    if kind == T.DATE:
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None
    if kind == T.SINGLE_CHOICE:
        if value not in question.choices:
            raise ValidationError(_("Choose one of the offered options."))
        return value
    if kind == T.MULTIPLE_CHOICE:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or any(v not in question.choices for v in values):
            raise ValidationError(_("Choose among the offered options."))
        return [c for c in question.choices if c in values]  # the form's order, no repeats
    if kind == T.YES_NO:
        normalised = value.strip().lower() if isinstance(value, str) else value
        if normalised in YES:
            return True
        if normalised in NO:
            return False
        raise ValidationError(_("Answer yes or no."))
    if kind == T.URL:
        text = str(value).strip()
        URLValidator(schemes=["http", "https"], message=_("Enter a web address starting with https://"))(text)
        return text
    if kind == T.EMAIL:
        text = str(value).strip()
        EmailValidator(message=_("Enter a valid e-mail address."))(text)
        return text.lower()
    raise ValidationError(_("Files are attached, not typed in."))


def check_answers(questions: list[FormField], answers: dict[str, Any]) -> AnswerCheck:
    """Clean the given answers; unknown questions and bad values become errors by key."""
    by_key = {q.key: q for q in questions}
    result = AnswerCheck()
    if not isinstance(answers, dict):
        result.errors["answers"] = _("Answers must be given question by question.")
        return result
    for key, value in answers.items():
        question = by_key.get(key)
        if question is None:
            result.errors[key] = _("There is no such question in this form.")
            continue
        if question.field_type == T.FILE:
            result.errors[key] = _("Files are attached, not typed in.")
            continue
        if is_empty(value):
            result.cleaned[key] = None  # clears the answer
            continue
        try:
            result.cleaned[key] = clean_value(question, value)
        except ValidationError as error:
            result.errors[key] = " ".join(error.messages)
    return result


def missing_answers(questions: list[FormField], answers: dict[str, Any], attached: set[str]) -> list[str]:
    """Labels of the required questions still without an answer or a file."""
    missing = []
    for question in questions:
        if not question.required:
            continue
        present = (
            question.key in attached
            if question.field_type == T.FILE
            else not is_empty(answers.get(question.key))
        )
        if not present:
            missing.append(question.label)
    return missing


@dataclass(frozen=True)
class AnswerProblem:
    """Why one question keeps an application from being submitted."""

    key: str  # the question's key
    reason: str  # the line in the refusal's list ("Answer the required question “…”.")
    message: str  # the message at the question itself ("Answer this question.")


def submission_problems(
    questions: list[FormField], answers: dict[str, Any], attached: set[str]
) -> list[AnswerProblem]:
    """The stored answers that are wrong, then the required questions without an answer or a
    file: the refusal lists the reasons, the form page puts each message at its question."""
    problems = [
        AnswerProblem(key, _("“%(question)s”: %(error)s") % {"question": key, "error": error}, error)
        for key, error in check_answers(questions, answers).errors.items()
    ]
    missing = {q.key for q in questions if q.label in missing_answers([q], answers, attached)}
    for question in questions:
        if question.key in missing:
            problems.append(
                AnswerProblem(
                    question.key,
                    _("Answer the required question “%(question)s”.") % {"question": question.label},
                    _("Attach a file.") if question.field_type == T.FILE else _("Answer this question."),
                )
            )
    return problems


def display_answer(value: Any, *, empty: str = "") -> str:
    """A stored answer as text for a page: yes/no in the reader's language, lists joined."""
    if is_empty(value):
        return empty
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)

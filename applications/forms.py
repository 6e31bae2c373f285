"""Web forms of the applicant's pages. They collect what was typed; the services check and write.

The answers form validates nothing itself: every value goes to services.save_answers, whose
messages are put back on the questions, so the typed value is shown again with its error.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from applications.answers import DEFAULT_MAX_LENGTH
from applications.models import Application
from contests.models import Category, Contest, FormField
from core.forms import DateInput

T = FormField.Type
ANSWER_PREFIX = "answer_"
FILE_PREFIX = "file_"
YES, NO = "yes", "no"


def answer_name(question: FormField) -> str:
    return f"{ANSWER_PREFIX}{question.key}"


def file_name(question: FormField) -> str:
    return f"{FILE_PREFIX}{question.key}"


def max_length_of(question: FormField) -> int | None:
    if question.field_type in FormField.TEXT_TYPES:
        return question.max_length or DEFAULT_MAX_LENGTH[question.field_type]
    return None


class StartApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Your organisation"),
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    nomination = forms.ModelChoiceField(
        label=_("Nomination"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    title = forms.CharField(
        label=_("Project title"),
        max_length=300,
        help_text=_("A short name for your project. You can change it later."),
    )

    def __init__(self, *args, organisations, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["nomination"].queryset = contest.nominations.order_by("order", "pk")
        # One choice only: chosen already, so nobody has to click it.
        for name in ("organisation", "nomination"):
            choices = list(self.fields[name].queryset[:2])
            if len(choices) == 1:
                self.initial.setdefault(name, choices[0].pk)


class LenientChoiceField(forms.ChoiceField):
    """The service checks the choice and says what is wrong in the applicant's words."""

    def validate(self, value) -> None:
        pass


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    def validate(self, value) -> None:
        pass


def _field_for(question: FormField) -> forms.Field:
    common = {"label": question.label, "required": False, "help_text": question.help_text}
    kind = question.field_type
    limit = max_length_of(question)
    if kind == T.LONG_TEXT:
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 8, "maxlength": limit, "data-counter": limit}),
            strip=False,
            **common,
        )
    if kind == T.SHORT_TEXT:
        return forms.CharField(widget=forms.TextInput(attrs={"maxlength": limit}), strip=False, **common)
    if kind == T.NUMBER:
        # Text, not type=number: a browser drops a value it cannot parse ("12,5"), and nothing
        # typed may be lost. The service accepts commas and spaces.
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}), **common
        )
    if kind == T.DATE:
        return forms.CharField(widget=DateInput(), **common)
    if kind == T.URL:
        return forms.CharField(
            widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}), **common
        )
    if kind == T.EMAIL:
        return forms.CharField(widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common)
    if kind == T.SINGLE_CHOICE:
        return LenientChoiceField(
            choices=[(c, c) for c in question.choices], widget=forms.RadioSelect, **common
        )
    if kind == T.MULTIPLE_CHOICE:
        return LenientMultipleChoiceField(
            choices=[(c, c) for c in question.choices], widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == T.YES_NO:
        return LenientChoiceField(
            choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **common
        )
    raise ValueError(kind)


def _initial(question: FormField, value: Any) -> Any:
    if value is None:
        return None
    if question.field_type == T.YES_NO:
        return YES if value is True else NO if value is False else value
    return value


class AnswersForm(forms.Form):
    """The project title and every typed answer of an application (files are uploaded apart)."""

    title = forms.CharField(
        label=_("Project title"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 300}),
    )

    def __init__(self, *args, application: Application, questions: list[FormField], **kwargs):
        initial = {"title": application.title}
        for question in questions:
            if question.field_type != T.FILE:
                initial[answer_name(question)] = _initial(question, application.answers.get(question.key))
        super().__init__(*args, initial=initial, **kwargs)
        self.questions = questions
        categories = Category.objects.filter(classifier__contests=application.contest_id).select_related(
            "classifier"
        )
        if categories.exists():
            self.fields["categories"] = forms.ModelMultipleChoiceField(
                queryset=categories.order_by("classifier__title", "code", "pk"),
                required=False,
                label=_("Categories"),
                help_text=_("Where your practice belongs: the jury is matched by expertise."),
                widget=forms.CheckboxSelectMultiple,
                initial=list(application.categories.values_list("pk", flat=True)),
            )
        for question in questions:
            if question.field_type != T.FILE:
                self.fields[answer_name(question)] = _field_for(question)

    def answers(self) -> dict[str, Any]:
        """Every typed answer by question key, as the service takes them (empty clears)."""
        answers = {}
        for question in self.questions:
            if question.field_type == T.FILE:
                continue
            value = self.cleaned_data.get(answer_name(question))
            if question.field_type == T.MULTIPLE_CHOICE:
                value = list(value or [])
            elif isinstance(value, str):
                # Browsers count a line break as one character; the form sends two.
                value = value.replace("\r\n", "\n")
            answers[question.key] = value if value is not None else ""
        return answers

    def title_value(self) -> str:
        return self.cleaned_data.get("title") or ""

    def categories_value(self) -> list[int] | None:
        """The chosen categories' ids, or None when the contest has no classifier."""
        if "categories" not in self.fields:
            return None
        return [category.pk for category in self.cleaned_data.get("categories") or []]


class SubmitForm(forms.Form):
    late_code = forms.CharField(
        label=_("Late-submission code"),
        required=False,
        max_length=16,
        help_text=_("The deadline has passed. If the organisers gave you a code, enter it here."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.regions import Region
from applications.forms import _field_for, _initial, answer_name
from campaigns.models import TIME_ZONE, Campaign, CampaignQuestion, CampaignReport
from contests.models import Contest


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    instructions = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000
    )
    owner = forms.ModelChoiceField(
        label=_("Organising body"),
        queryset=Organisation.objects.order_by("name"),
        help_text=_(
            "The library or authority asking for the reports; its administrators manage the campaign."
        ),
    )
    due_at = forms.DateTimeField(
        label=_("Due (Kyiv time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    period_label = forms.CharField(
        label=_("Period"), max_length=100, required=False, help_text=_("For example: first half of 2027.")
    )
    audience_regions = forms.MultipleChoiceField(
        label=_("Regions"), choices=Region.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    audience_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisation"),
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_contest = forms.ModelChoiceField(
        label=_("Taking part in the contest"),
        queryset=Contest.objects.order_by("-pk"),
        required=False,
        help_text=_("Organisations with a submitted application in this contest."),
    )
    audience_organisations = forms.ModelMultipleChoiceField(
        label=_("And these organisations"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("Asked whatever the criteria above. Hold Ctrl to choose several."),
    )

    def __init__(self, *args: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        if campaign is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": campaign.title,
                    "instructions": campaign.instructions,
                    "owner": campaign.owner_id,
                    "due_at": campaign.due_at.astimezone(ZoneInfo(TIME_ZONE)).replace(tzinfo=None),
                    "period_label": campaign.period_label,
                    "audience_regions": campaign.audience_regions,
                    "audience_kinds": campaign.audience_kinds,
                    "audience_contest": campaign.audience_contest_id,
                    "audience_organisations": list(
                        campaign.audience_organisations.values_list("pk", flat=True)
                    ),
                },
            )
        super().__init__(*args, **kwargs)
        if campaign is not None:
            del self.fields["owner"]
            if campaign.state != Campaign.State.DRAFT:
                for name in [n for n in self.fields if n.startswith("audience_")]:
                    del self.fields[name]

    def clean_due_at(self) -> datetime:
        """The wall-clock time typed is Kyiv time, whatever zone the page was shown in."""
        value = self.cleaned_data["due_at"]
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value.replace(tzinfo=ZoneInfo(TIME_ZONE))


class QuestionForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=300)
    key = forms.SlugField(
        label=_("Key"), max_length=60, help_text=_("A short identifier: latin letters, digits, '-' and '_'.")
    )
    field_type = forms.ChoiceField(label=_("Type"), choices=CampaignQuestion.Type.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(label=_("Help text"), required=False, max_length=4000)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For choice questions: one choice per line."),
    )

    def question_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["choices"] = [line.strip() for line in data.get("choices", "").splitlines() if line.strip()]
        return data


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    target = forms.DecimalField(
        label=_("Target for each organisation"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Optional; set per organisation through the API."),
    )


class ReportForm(forms.Form):
    """The typed answers (the application form's widgets) and one field per indicator."""

    def __init__(
        self, *args: Any, report: CampaignReport, questions: list, indicators: list, actuals: dict, **kwargs
    ):
        initial = {}
        for question in questions:
            if question.field_type != CampaignQuestion.Type.FILE:
                initial[answer_name(question)] = _initial(question, (report.answers or {}).get(question.key))
        for indicator in indicators:
            initial[f"indicator_{indicator.pk}"] = actuals.get(indicator.pk)
        super().__init__(*args, initial=initial, **kwargs)
        self.questions, self.indicators = questions, indicators
        for question in questions:
            if question.field_type == CampaignQuestion.Type.FILE:
                self.fields[f"file_{question.key}"] = forms.FileField(
                    label=question.label, required=False, help_text=question.help_text
                )
            else:
                self.fields[answer_name(question)] = _field_for(question)
        for indicator in indicators:
            self.fields[f"indicator_{indicator.pk}"] = forms.CharField(
                label=str(indicator),
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    def answers(self) -> dict[str, Any]:
        answers = {}
        for question in self.questions:
            if question.field_type == CampaignQuestion.Type.FILE:
                continue
            value = self.cleaned_data.get(answer_name(question))
            if question.field_type == CampaignQuestion.Type.MULTIPLE_CHOICE:
                value = list(value or [])
            elif isinstance(value, str):
                value = value.replace("\r\n", "\n")
            answers[question.key] = value if value is not None else ""
        return answers

    def actuals(self) -> dict[int, Any]:
        return {i.pk: self.cleaned_data.get(f"indicator_{i.pk}") or None for i in self.indicators}

    def uploads(self) -> dict[str, Any]:
        return {
            q.key: self.cleaned_data[f"file_{q.key}"]
            for q in self.questions
            if q.field_type == CampaignQuestion.Type.FILE and self.cleaned_data.get(f"file_{q.key}")
        }


class ScheduleForm(forms.Form):
    days = forms.CharField(
        label=_("Due every year on"),
        max_length=60,
        help_text=_("Days as MM-DD separated by commas, e.g. 03-20, 10-20."),
    )
    lead_days = forms.IntegerField(
        label=_("Open this many days before"), min_value=0, max_value=365, initial=30
    )
    due_hour = forms.IntegerField(label=_("Due hour (Kyiv time)"), min_value=0, max_value=23, initial=18)

    def day_list(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["days"].split(",") if part.strip()]

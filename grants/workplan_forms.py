"""Forms of the project card and the work plan pages; every write goes through
grants.services.work_plan."""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.money import Currency
from grants.models import Grant
from grants.workplan_selectors import grant_months


class CardForm(forms.Form):
    organiser = forms.CharField(label=_("Organiser"), max_length=300, required=False)
    manager_name = forms.CharField(label=_("Project manager"), max_length=200, required=False)
    manager_position = forms.CharField(label=_("Manager's position"), max_length=200, required=False)
    manager_contact = forms.CharField(
        label=_("Manager's contact"),
        max_length=200,
        required=False,
        help_text=_("A work phone or e-mail address."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FundingSourceForm(forms.Form):
    name = forms.CharField(label=_("Funding source"), max_length=300, required=False)
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        required=False,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.UAH)

    def clean(self):
        data = super().clean()
        if data.get("name") and data.get("amount") is None:
            self.add_error("amount", _("Give the amount of this source."))
        if data.get("amount") is not None and not data.get("name"):
            self.add_error("name", _("Name this source."))
        return data


FundingSourceFormSet = forms.formset_factory(FundingSourceForm, extra=2, max_num=20)


def month_choices(grant: Grant) -> list[tuple[str, str]]:
    return [(m.isoformat(), date_format(m, "F Y")) for m in grant_months(grant, [])]


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Activity"), max_length=300)
    responsible = forms.CharField(label=_("Responsible"), max_length=200)
    start_month = forms.TypedChoiceField(label=_("From month"), coerce=date.fromisoformat)
    end_month = forms.TypedChoiceField(label=_("To month"), coerce=date.fromisoformat)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, grant: Grant, **kwargs):
        super().__init__(*args, **kwargs)
        choices = month_choices(grant)
        self.fields["start_month"].choices = choices
        self.fields["end_month"].choices = choices


class CompleteActivityForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The evidence: a note, a file, or both (one of them is required)."),
    )
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, DOCX, ODT, XLSX, JPEG or PNG, up to 20 MB."),
    )

"""Forms of the grants pages. They check input; every write goes through grants.services."""

import uuid
from datetime import date
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from core import formats
from core.forms import DateInput
from grants.models import BudgetLine, GrantReport, Indicator

MAX_FILES = 10


class OfferGrantForm(forms.Form):
    application = forms.ModelChoiceField(
        label=_("Awarded application"), queryset=Application.objects.none(), empty_label=None
    )
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label=_("Starts"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends"), widget=DateInput())

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: (
            f"{a.number} — {a.title} ({a.organisation.name})"
        )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The grant must end after it starts."))
        return data


class TerminateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for termination"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The grantee sees this reason."),
    )


class ReviewReportForm(forms.Form):
    ACCEPT, CHANGES = "accept", "request_changes"
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[(ACCEPT, _("Accept the report")), (CHANGES, _("Ask for changes"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the grantee"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you ask for changes: say what should change."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.CHANGES and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what should change in the report."))
        return data


class PayTrancheForm(forms.Form):
    """The idempotency key is made when the form is shown: a second submit of the same page pays once."""

    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    payment_reference = forms.CharField(
        label=_("Payment reference"),
        max_length=100,
        help_text=_("The number of the payment order or bank transaction."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def actual_name(indicator: Indicator) -> str:
    return f"actual_{indicator.pk}"


def spent_name(line: BudgetLine) -> str:
    return f"spent_{line.pk}"


class ReportForm(forms.Form):
    """Narrative, one actual per indicator of the contest, spending per budget line, files."""

    narrative = forms.CharField(
        label=_("What was done in the period"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Activities, who took part, what changed. Required to submit."),
    )
    attachments = MultipleFileField(
        label=_("Files (photos, acts, invoices)"),
        required=False,
        help_text=_("PDF, DOCX, ODT, XLSX, JPEG or PNG. You can choose several files at once."),
    )

    def __init__(
        self,
        *args,
        report: GrantReport,
        indicators: list[Indicator],
        lines: list[BudgetLine],
        targets: dict[int, Decimal] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        targets = targets or {}
        self.report, self.indicators, self.lines = report, indicators, lines
        self.fields["narrative"].initial = report.narrative
        actuals = {a.indicator_id: a.value for a in report.actuals.all()}
        spent = {s.line_id: s.amount for s in report.spending.all()}
        for indicator in indicators:
            self.fields[actual_name(indicator)] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.unit})",
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=actuals.get(indicator.pk),
                help_text=(
                    _("Target for this period: %(target)s")
                    % {"target": formats.number(targets[indicator.pk])}
                    if indicator.pk in targets
                    else ""
                ),
                validators=[MinValueValidator(Decimal("0"))],
            )
        for line in lines:
            self.fields[spent_name(line)] = forms.DecimalField(
                label=_("%(line)s (planned %(planned)s)") % {"line": line.title, "planned": line.planned},
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=spent.get(line.pk),
                validators=[MinValueValidator(Decimal("0"))],
            )

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most %(count)d files at once.") % {"count": MAX_FILES})
        return files

    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[actual_name(indicator)] for indicator in self.indicators]

    def spending_fields(self) -> list[forms.BoundField]:
        return [self[spent_name(line)] for line in self.lines]

    def actuals(self) -> dict[int, Decimal]:
        return {
            i.pk: self.cleaned_data[actual_name(i)]
            for i in self.indicators
            if self.cleaned_data.get(actual_name(i)) is not None
        }

    def spending(self) -> dict[int, Decimal]:
        return {
            line.pk: self.cleaned_data[spent_name(line)]
            for line in self.lines
            if self.cleaned_data.get(spent_name(line)) is not None
        }


class SignAgreementForm(forms.Form):
    signed_copy = forms.FileField(label=_("Signed agreement"), help_text=_("PDF, DOCX or ODT, up to 20 MB."))
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())


class BankDetailsForm(forms.Form):
    payee_name = forms.CharField(label=_("Payee"), max_length=300)
    payee_bank = forms.CharField(label=_("Bank"), max_length=300)
    payee_iban = forms.CharField(
        label=_("IBAN"), max_length=40, help_text=_("UA and 27 digits, as on the bank's statement.")
    )


class TrancheForm(forms.Form):
    planned_on = forms.DateField(label=_("Planned date"), widget=DateInput())
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    after_report = forms.ModelChoiceField(
        label=_("Paid after the report is accepted"),
        queryset=GrantReport.objects.none(),
        required=False,
        empty_label=_("No report needed"),
    )

    def __init__(self, *args, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["after_report"].queryset = reports
        self.fields["after_report"].label_from_instance = lambda r: (
            _("%(kind)s due %(due)s")
            % {
                "kind": r.get_kind_display(),
                "due": formats.day(r.due_on),
            }
        )


class BudgetLineForm(forms.Form):
    title = forms.CharField(label=_("Budget line"), max_length=300)
    planned = forms.DecimalField(
        label=_("Planned amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=200, help_text=_("For example: readers reached."))
    unit = forms.CharField(label=_("Unit"), max_length=50, help_text=_("For example: people, events."))
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Indicator.Direction.choices, initial=Indicator.Direction.HIGHER
    )


def period_label(report: GrantReport) -> str:
    return _("%(start)s – %(end)s (%(kind)s)") % {
        "start": formats.day(report.period_start),
        "end": formats.day(report.period_end),
        "kind": report.get_kind_display(),
    }


class TargetForm(forms.Form):
    """A grant's target for one indicator over one reporting period (a report's period end)."""

    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.none(), empty_label=None
    )
    period_end = forms.TypedChoiceField(
        label=_("Reporting period"), coerce=date.fromisoformat, empty_value=None, required=False
    )
    year = forms.TypedChoiceField(
        label=_("Or a calendar year"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "A yearly target is compared with the sum of the accepted reports whose period ends in that year."
        ),
    )
    value = forms.DecimalField(
        label=_("Target"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Setting a target for a period that has one replaces it."),
    )

    def __init__(self, *args, indicators, reports: list[GrantReport], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators
        self.fields["indicator"].label_from_instance = lambda i: f"{i.name} ({i.unit})"
        self.fields["period_end"].choices = [
            *((r.period_end.isoformat(), period_label(r)) for r in reports),
            ("", _("— a calendar year instead —")),
        ]
        grant = reports[0].grant if reports else None
        years = range(grant.starts_on.year, grant.ends_on.year + 1) if grant is not None else ()
        self.fields["year"].choices = [("", _("— a reporting period instead —")), *((y, y) for y in years)]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("period_end") is None) == (cleaned.get("year") is None) and not self.errors:
            raise forms.ValidationError(_("Choose either a reporting period or a calendar year, not both."))
        return cleaned

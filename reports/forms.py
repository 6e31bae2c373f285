from django import forms
from django.utils.translation import gettext_lazy as _

from depository.models import Practice

NARRATIVE_HELP = _("Plain text; leave an empty line between paragraphs.")


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Practice) -> str:
        where = ", ".join(filter(None, [obj.organisation_name, str(obj.year or "")]))
        return f"№ {obj.pk} {obj.title}" + (f" ({where})" if where else "")


class AnalyticReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 6}), help_text=NARRATIVE_HELP
    )
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=NARRATIVE_HELP,
    )
    recommendations = forms.CharField(
        label=_("Recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=NARRATIVE_HELP,
    )
    cases = CaseChoiceField(
        label=_("Cases to cite"),
        queryset=Practice.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Published cases of the depository (of the contest the report is about)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, candidates=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["cases"].queryset = candidates

    def ordered_cases(self, before: list[Practice]) -> list[Practice]:
        """The chosen cases: those cited before keep their order, new ones follow."""
        chosen = list(self.cleaned_data["cases"])
        chosen_ids = {p.pk for p in chosen}
        kept = [p for p in before if p.pk in chosen_ids]
        kept_ids = {p.pk for p in kept}
        return kept + [p for p in chosen if p.pk not in kept_ids]

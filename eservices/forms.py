from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock
from eservices import selectors
from eservices.models import FIRST_YEAR, Accessibility, EService


class EServiceForm(forms.ModelForm):
    """What the organisation's members type; services.create_service/update_service save it."""

    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility"),
        choices=Accessibility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = EService
        fields = ["name", "category", "help_given", "hours", "accessibility", "since", "published"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.categories()
        self.fields["category"].label_from_instance = lambda category: category.label
        self.fields["help_given"].max_length = 3000
        self.fields["help_given"].widget.attrs["maxlength"] = 3000


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    people_helped = forms.IntegerField(label=_("People helped"), min_value=0, max_value=10_000_000)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > clock.now().year:
            raise forms.ValidationError(_("The year cannot be in the future."))
        return year

"""Forms of the special awards page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import SpecialAward


class SpecialAwardForm(forms.ModelForm):
    class Meta:
        model = SpecialAward
        fields = ["title", "description", "places"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ChooseForm(forms.Form):
    """An application of the contest for the award, and the reason (required)."""

    application = forms.TypedChoiceField(label=_("Application"), coerce=int)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown with the award in the published results."),
    )

    def __init__(self, *args, applications=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [
            (a.pk, f"{a.number or a.pk} — {a.title} ({a.organisation.name})") for a in applications
        ]

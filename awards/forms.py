from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import AwardSettings, Decision


class ProposeForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a higher-ranked application is passed over."),
    )
    citation = forms.CharField(
        label=_("Citation for the results page"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CitationForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["citation"]
        widgets = {"citation": forms.Textarea(attrs={"rows": 2})}


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AwardSettings
        fields = ["release_comments", "signatory_name", "signatory_title"]


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40, required=False)

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentForm(forms.Form):
    granted = forms.TypedChoiceField(
        label=_("Publication in the depository"),
        choices=[("yes", _("We consent")), ("no", _("We do not consent"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class CaseEServicesForm(forms.Form):
    """Which e-services of the case's organisation the case describes."""

    eservices = forms.ModelMultipleChoiceField(
        label=_("E-services the case describes"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The e-services the applicant organisation lists in the e-services catalogue."),
    )

    def __init__(self, *args, choices=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["eservices"].queryset = choices


class PresentationForm(forms.Form):
    selected = forms.BooleanField(label=_("Selected for presentation"), required=False)
    note = forms.CharField(
        label=_("Note on the presentation"),
        required=False,
        max_length=300,
        help_text=_("For example the conference and the session."),
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from webhooks.models import SUBSCRIBABLE


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Address (https://…)"),
        max_length=500,
        help_text=_("Konkurs sends a signed POST request with a JSON body to this address."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=SUBSCRIBABLE, widget=forms.CheckboxSelectMultiple
    )

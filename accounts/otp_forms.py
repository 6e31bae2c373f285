"""Forms of the second factor's pages (accounts.otp_views)."""

from django import forms
from django.utils.translation import gettext_lazy as _


def _compact(value: str) -> str:
    return "".join((value or "").split())


class CodeForm(forms.Form):
    """At login: the app's code, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false", "size": 12}
        ),
    )

    def clean_code(self) -> str:
        return _compact(self.cleaned_data["code"])


class EnrolForm(forms.Form):
    """Setting up an app: its first code proves it holds the key."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        help_text=_("Six digits."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false", "size": 8}
        ),
    )

    def clean_code(self) -> str:
        code = _compact(self.cleaned_data["code"])
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(_("Enter the 6 digits the app shows."), code="format")
        return code

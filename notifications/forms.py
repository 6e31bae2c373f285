"""Web forms of the notifications app. They validate input; the services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import events
from notifications.rendering import template_errors
from notifications.selectors import email_opt_outs_of


def _field_name(event_key: str) -> str:
    return "send-" + event_key.replace(".", "-")


class EmailPreferencesForm(forms.Form):
    """One "Send me e-mail" checkbox per registered event; mandatory ones are fixed."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        opted_out = email_opt_outs_of(user)
        self.rows = []
        for event in events.all_events():
            name = _field_name(event.key)
            self.fields[name] = forms.BooleanField(
                label=_("Send me e-mail"),
                required=False,
                initial=event.mandatory or event.key not in opted_out,
                # A disabled field keeps its initial value whatever is posted.
                disabled=event.mandatory,
                widget=forms.CheckboxInput(
                    attrs={"aria-describedby": f"id_{name}_helptext"} if event.mandatory else {}
                ),
            )
            self.rows.append((event, self[name]))

    def changes(self) -> list[tuple[str, bool]]:
        """(event key, opted out) for each preference the user changed."""
        by_name = {_field_name(event.key): event.key for event, _field in self.rows}
        return [(by_name[name], not self.cleaned_data[name]) for name in self.changed_data]


class TemplateOverrideForm(forms.Form):
    """An organiser's wording of one event in one language, in Django template syntax."""

    subject = forms.CharField(label=_("Subject"), max_length=300)
    body_text = forms.CharField(
        label=_("Plain text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("The text of the e-mail."),
    )
    body_html = forms.CharField(
        label=_("HTML"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Leave empty to use the plain text."),
    )

    def _checked(self, name: str) -> str:
        source = self.cleaned_data.get(name, "")
        if errors := template_errors(source):
            raise forms.ValidationError(
                [_("The template has an error: %(error)s") % {"error": error} for error in errors]
            )
        return source

    def clean_subject(self) -> str:
        return self._checked("subject")

    def clean_body_text(self) -> str:
        return self._checked("body_text")

    def clean_body_html(self) -> str:
        return self._checked("body_html")

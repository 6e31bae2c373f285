from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.regions import Region
from congress.models import Event
from contests.models import Category, Contest, ContestRole
from depository import selectors as depository

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def moment_field(label, **kwargs) -> forms.DateTimeField:
    """A `datetime-local` input, read in the site's time zone (Europe/Kyiv)."""
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)
    return forms.DateTimeField(label=label, widget=widget, input_formats=[DATETIME_LOCAL], **kwargs)


class EventForm(forms.ModelForm):
    starts_at = moment_field(_("Starts"))
    ends_at = moment_field(_("Ends"))

    class Meta:
        model = Event
        fields = ["title", "description", "starts_at", "ends_at", "place", "contest"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organised = ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).values("contest")
        current = self.instance.contest_id if self.instance.pk else None
        self.fields["contest"].queryset = Contest.objects.filter(pk__in=organised) | Contest.objects.filter(
            pk=current
        )

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        return data


class CaseFilterForm(forms.Form):
    """The depository's published cases, narrowed by contest, region and category."""

    contest = forms.ModelChoiceField(label=_("Contest"), queryset=Contest.objects.none(), required=False)
    region = forms.ChoiceField(label=_("Region"), choices=[("", "—"), *Region.choices], required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contest"].queryset = depository.contests_in_use()
        self.fields["category"].queryset = depository.categories_in_use()


class InviteForm(forms.Form):
    practices = forms.ModelMultipleChoiceField(
        label=_("Cases to invite"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one case.")},
    )
    respond_by = moment_field(
        _("Answer by"), help_text=_("The libraries confirm or decline before this; then it expires.")
    )
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)

    def __init__(self, *args, candidates=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practices"].queryset = candidates
        self.fields["practices"].label_from_instance = lambda p: f"№{p.pk} {p.title} — {p.organisation_name}"


class InvitationForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    slot_starts_at = moment_field(_("Time slot"), required=False)

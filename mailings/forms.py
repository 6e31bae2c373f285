from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.regions import Region
from contests.models import Contest, Nomination
from mailings.audience import APPLICANT_STATES, AudienceSerializer
from mailings.models import AudienceKind, Mailing

# The audience serializer's fields → this form's.
AUDIENCE_FIELDS = {
    "kind": "kind",
    "contest": "audience_contest",
    "states": "states",
    "regions": "regions",
    "nominations": "nominations",
    "campaign": "campaign",
}
LANGUAGE_FIELDSETS = (
    ("uk", _("Ukrainian (required)")),
    ("en", _("English (optional: Ukrainian is sent instead)")),
    ("ru", _("Russian (optional: Ukrainian is sent instead)")),
)


class MailingForm(forms.Form):
    """A draft: the wording in three languages (three fieldsets, no script) and the audience."""

    essential = forms.BooleanField(
        label=_("Essential message"),
        required=False,
        help_text=_("Results and obligations: sent also to people who unsubscribed from mailings."),
    )
    subject_uk = forms.CharField(label=_("Subject"), max_length=200)
    body_uk = forms.CharField(label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    subject_en = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body_en = forms.CharField(
        label=_("Text"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    subject_ru = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body_ru = forms.CharField(
        label=_("Text"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    kind = forms.ChoiceField(
        label=_("Who receives it"), choices=AudienceKind.choices, widget=forms.RadioSelect
    )
    audience_contest = forms.TypedChoiceField(
        label=_("Contest"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Whose applicants, jurors or grantees (grantees of all contests when empty)."),
    )
    states = forms.MultipleChoiceField(
        label=_("Applications in these states"),
        choices=APPLICANT_STATES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every submitted application."),
    )
    regions = forms.MultipleChoiceField(
        label=_("Organisations in these regions"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every region."),
    )
    nominations = forms.TypedMultipleChoiceField(
        label=_("In these nominations"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every nomination."),
    )
    campaign = forms.IntegerField(
        label=_("Campaign number"),
        required=False,
        min_value=1,
        help_text=_("For late reporters: the reporting campaign whose late organisations are told."),
    )

    def __init__(self, *args: Any, owner: Contest | None, contests: list[Contest], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        if owner is not None:
            del self.fields["audience_contest"], self.fields["campaign"]
            self.fields["kind"].choices = [
                c for c in AudienceKind.choices if c[0] in ("applicants", "jurors", "grantees")
            ]
            nominations = Nomination.objects.filter(contest=owner)
        else:
            self.fields["audience_contest"].choices = [("", "—"), *((c.pk, c.title) for c in contests)]
            nominations = Nomination.objects.filter(contest__in=contests).select_related("contest")
        self.fields["nominations"].choices = [
            (n.pk, n.title if owner is not None else f"{n.contest.title} — {n.title}") for n in nominations
        ]

    def clean(self) -> dict:
        data = super().clean()
        raw = {
            "kind": data.get("kind"),
            "contest": data.get("audience_contest"),
            "states": data.get("states") or [],
            "regions": data.get("regions") or [],
            "nominations": data.get("nominations") or [],
            "campaign": data.get("campaign"),
        }
        if not raw["kind"]:
            return data
        audience = AudienceSerializer(data=raw, owner=self.owner)
        if audience.is_valid():
            data["audience"] = audience.validated_data
        else:
            for name, errors in audience.errors.items():
                target = AUDIENCE_FIELDS.get(name)
                target = target if target in self.fields else None
                for error in errors if isinstance(errors, list) else [errors]:
                    self.add_error(target, str(error))
        return data

    def mailing_fields(self) -> dict:
        names = ("essential", "subject_uk", "body_uk", "subject_en", "body_en", "subject_ru", "body_ru")
        return {name: self.cleaned_data[name] for name in names} | {"audience": self.cleaned_data["audience"]}

    @staticmethod
    def initial_of(mailing: Mailing) -> dict:
        audience = mailing.audience or {}
        texts = {
            name: getattr(mailing, name)
            for name in (
                "essential",
                "subject_uk",
                "body_uk",
                "subject_en",
                "body_en",
                "subject_ru",
                "body_ru",
            )
        }
        return texts | {
            "kind": audience.get("kind"),
            "audience_contest": audience.get("contest"),
            "states": audience.get("states", []),
            "regions": audience.get("regions", []),
            "nominations": audience.get("nominations", []),
            "campaign": audience.get("campaign"),
        }


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language of the messages"),
        choices=[("uk", "Українська"), ("en", "English"), ("ru", "Русский")],
    )

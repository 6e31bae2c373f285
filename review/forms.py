"""Web forms of the jury. They shape and check input; the services in review/services.py write."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.regions import Region
from applications.models import Application
from contests.models import Category, Contest, Criterion, Nomination
from core.forms import LocalDateTimeField
from review.models import Juror, Round

SCORE_PREFIX = "score_"
COMMENT_PREFIX = "comment_"


def score_name(criterion: Criterion) -> str:
    return f"{SCORE_PREFIX}{criterion.pk}"


def comment_name(criterion: Criterion) -> str:
    return f"{COMMENT_PREFIX}{criterion.pk}"


class ScoresForm(forms.Form):
    """One score (and an optional comment) per criterion, and the overall comment.

    The fields only render and carry the input: `save_scores` checks the scale, so the page and
    the API give the same message for the same mistake."""

    overall_comment = forms.CharField(
        label=_("Overall comment"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, criteria: list[Criterion], require_comment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.require_comment = require_comment
        for criterion in criteria:
            self.fields[score_name(criterion)] = forms.CharField(
                label=_("Score from %(min)s to %(max)s")
                % {"min": criterion.scale_min, "max": criterion.scale_max},
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "min": criterion.scale_min,
                        "max": criterion.scale_max,
                        "step": 1,
                        "inputmode": "numeric",
                        "class": "score-input",
                    }
                ),
            )
            self.fields[comment_name(criterion)] = forms.CharField(
                label=_("Comment on “%(title)s” (optional)") % {"title": criterion.title},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if require_comment:
            self.fields["overall_comment"].help_text = _("Required before you submit.")

    def raw(self, name: str) -> str:
        value = self.data.get(name, "") if self.is_bound else self.initial.get(name, "")
        return str(value if value is not None else "").strip()

    def scores(self) -> dict[int, dict[str, str]]:
        """criterion id → {"value", "comment"} as typed, for `services.save_scores`."""
        return {
            c.pk: {"value": self.raw(score_name(c)), "comment": self.raw(comment_name(c))}
            for c in self.criteria
        }

    def overall(self) -> str:
        return self.raw("overall_comment")

    def put_service_errors(self, error: ValidationError) -> None:
        """The service's errors by criterion id onto the score fields; the rest onto the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        by_pk = {str(c.pk): c for c in self.criteria}
        for key, errors in error.error_dict.items():
            criterion = by_pk.get(key)
            self.add_error(score_name(criterion) if criterion else None, errors)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline this review?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisers read this. Another juror takes your place."),
    )
    conflict = forms.BooleanField(
        label=_("I have a conflict of interest with this application"),
        required=False,
        help_text=_("You will not be given this application again in any round."),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Your note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class ConsensusForm(forms.Form):
    text = forms.CharField(
        label=_("Consensus of the jury"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One note per application and round; saving again replaces it."),
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the review reopened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The juror receives this note."),
    )


# --- the organiser's jury page -------------------------------------------------------------------


class JurorForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Of someone who already has an account. Import a table of jurors to invite new people."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    nominations = forms.ModelMultipleChoiceField(
        label=_("Nominations"),
        queryset=Nomination.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to judge in every nomination."),
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("Expertise"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.ChoiceField(
        label=_("Region (oblast)"), required=False, choices=[("", "—"), *Region.choices]
    )
    max_load = forms.IntegerField(label=_("At most applications"), required=False, min_value=1)
    chair = forms.BooleanField(label=_("Chair of the jury"), required=False)

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.user: User | None = None
        self.fields["nominations"].queryset = contest.nominations.order_by("order", "pk")
        categories = Category.objects.filter(classifier__contests=contest).order_by("classifier", "code")
        self.fields["expertise"].queryset = categories
        if not categories.exists():
            del self.fields["expertise"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        self.user = User.objects.filter(email__iexact=email, is_active=True).first()
        if self.user is None:
            raise ValidationError(
                _("Nobody with this e-mail address has an account yet. Ask them to sign up first."),
                code="unknown",
            )
        return email


class RoundForm(forms.ModelForm):
    due_at = LocalDateTimeField(
        label=_("Reviews due"), required=False, help_text=_("Date and time in the contest's time zone.")
    )

    class Meta:
        model = Round
        fields = [
            "title",
            "due_at",
            "reviewers_per_application",
            "min_load",
            "max_load",
            "spread_regions",
            "score_visibility",
            "named_discussion",
            "require_overall_comment",
            "method",
            "trim_share",
            "criteria",
        ]
        widgets = {"criteria": forms.CheckboxSelectMultiple}

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty for “Round N”.")
        self.fields["criteria"].queryset = contest.criteria.order_by("order", "pk")

    def clean(self):
        cleaned = super().clean()
        due = cleaned.get("due_at")
        if isinstance(due, datetime) and timezone.is_naive(due):
            cleaned["due_at"] = due.replace(tzinfo=ZoneInfo(self.contest.time_zone or "Europe/Kyiv"))
        return cleaned

    def _post_clean(self):
        # The service builds and validates the round (number, contest); nothing to do here.
        pass

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["criteria"] = list(data.get("criteria") or [])
        return data


def _application_label(application: Application) -> str:
    return f"{application.number or application.pk} — {application.title}"


def _juror_label(juror: Juror) -> str:
    return juror.user.display_name


class ApplicationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _application_label(obj)


class ApplicationsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _application_label(obj)


class JurorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _juror_label(obj)


class JurorsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _juror_label(obj)


class AssignJurorForm(forms.Form):
    """One juror to several applications."""

    juror = JurorChoice(label=_("Juror"), queryset=Juror.objects.none())
    applications = ApplicationsChoice(
        label=_("Applications"),
        queryset=Application.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )

    def __init__(self, *args, jurors, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = jurors
        self.fields["applications"].queryset = applications


class AssignApplicationForm(forms.Form):
    """One application to several jurors."""

    application = ApplicationChoice(label=_("Application"), queryset=Application.objects.none())
    jurors = JurorsChoice(
        label=_("Jurors"), queryset=Juror.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, jurors, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["jurors"].queryset = jurors


class RecuseForm(forms.Form):
    juror = JurorChoice(label=_("Juror"), queryset=Juror.objects.none())
    application = ApplicationChoice(label=_("Application"), queryset=Application.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, jurors, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = jurors
        self.fields["application"].queryset = applications


class RankingFilterForm(forms.Form):
    nomination = forms.ModelChoiceField(
        label=_("Nomination"), queryset=Nomination.objects.none(), required=False, empty_label=_("All")
    )
    method = forms.ChoiceField(label=_("Ranking method"), required=False, choices=Round.Method.choices)

    def __init__(self, *args, round_: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = round_.contest.nominations.order_by("order", "pk")
        self.fields["method"].initial = round_.method


# --- the shortlist of a later round ---------------------------------------------------------------


class RoundChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class ShortlistTopForm(forms.Form):
    """The top N per nomination of an earlier round's ranking."""

    source_round = RoundChoice(label=_("From the ranking of"), queryset=Round.objects.none())
    top_per_nomination = forms.IntegerField(
        label=_("How many per nomination"),
        min_value=1,
        max_value=10000,
        help_text=_("The best ranked applications of each nomination; those already on the shortlist stay."),
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_round"].queryset = sources
        if len(sources) == 1 and not self.is_bound:
            self.fields["source_round"].initial = sources[0].pk


class ShortlistPickForm(forms.Form):
    """Applications picked by hand, with the reason."""

    applications = ApplicationsChoice(
        label=_("Applications"),
        queryset=Application.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    reason = forms.CharField(
        label=_("Why they go to the next round"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications


class ShortlistRemoveForm(forms.Form):
    application = ApplicationChoice(label=_("Application"), queryset=Application.objects.none())
    reason = forms.CharField(label=_("Why it is taken off"), max_length=2000)

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications


class RankingShortlistForm(forms.Form):
    """On the ranking page: the top N per nomination ("top") or the rows ticked ("pick"), with a
    reason, go to the shortlist of a later planned round."""

    target = RoundChoice(label=_("Shortlist of"), queryset=Round.objects.none())
    top_per_nomination = forms.IntegerField(
        label=_("How many per nomination"), min_value=1, max_value=10000, required=False
    )
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"), queryset=Application.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Why the ticked applications go to the next round"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, targets, applications, mode: str = "top", **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        self.fields["target"].queryset = targets
        self.fields["applications"].queryset = applications
        if len(targets) == 1 and not self.is_bound:
            self.fields["target"].initial = targets[0].pk

    def clean(self):
        data = super().clean()
        if self.mode == "top" and data.get("top_per_nomination") is None:
            self.add_error("top_per_nomination", _("Enter how many per nomination."))
        if self.mode == "pick":
            if not data.get("applications"):
                self.add_error(None, _("Tick at least one application in the table."))
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Give the reason."))
        return data


# --- a juror's declared conflict of interest with an organisation --------------------------------


class SeatChoice(forms.ModelChoiceField):
    def label_from_instance(self, juror: Juror) -> str:
        return juror.contest.title


class DeclarationForm(forms.Form):
    """The juror names an organisation they have a conflict of interest with; the service checks
    duplicates and their own organisation, so the page and the API answer alike."""

    seat = SeatChoice(label=_("Contest"), queryset=Juror.objects.none(), empty_label=None)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_(
            "Every application of this organisation in the contest is kept from you, also later ones."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What ties you to the organisation. The organisers read it."),
    )

    def __init__(self, *args, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = seats
        self.fields["organisation"].queryset = Organisation.objects.order_by("name", "pk")

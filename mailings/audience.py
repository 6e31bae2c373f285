"""The audience of a mailing as data ({"kind": ..., filters}), validated the same way by the API and
the web form, and described in words for the pages."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.regions import Region
from applications.models import Application
from campaigns.models import Campaign
from contests.models import Contest, Nomination
from core.strict import RefuseUnknownFieldsMixin
from mailings.models import CONTEST_KINDS, AudienceKind

# An applicant is someone who applied: a draft is not an application yet.
APPLICANT_STATES = [(v, label) for v, label in Application.State.choices if v != Application.State.DRAFT]


class AudienceSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Who receives a mailing. `contest`: whose applicants, jurors or grantees (a contest's own
    mailing always means its contest); `campaign`: whose late reporters."""

    kind = serializers.ChoiceField(choices=AudienceKind.choices, label=gettext_lazy("Audience"))
    contest = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    states = serializers.ListField(
        child=serializers.ChoiceField(choices=APPLICANT_STATES), required=False, default=list, max_length=20
    )
    regions = serializers.ListField(
        child=serializers.ChoiceField(choices=Region.choices), required=False, default=list, max_length=40
    )
    nominations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        default=list,
        max_length=50,
    )
    campaign = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)

    def __init__(self, *args: Any, owner: Contest | None = None, **kwargs: Any) -> None:
        self.owner = owner
        super().__init__(*args, **kwargs)

    def validate(self, data: dict) -> dict:
        kind = data["kind"]
        result: dict[str, Any] = {"kind": kind}
        if self.owner is not None:
            if kind not in CONTEST_KINDS:
                raise serializers.ValidationError(
                    {"kind": [_("A contest's mailing goes to its applicants, jurors or grantees.")]}
                )
            if data.get("contest") not in (None, self.owner.pk):
                raise serializers.ValidationError({"contest": [_("A contest's mailing stays within it.")]})
            contest_id = self.owner.pk
        else:
            contest_id = data.get("contest")
        if kind in CONTEST_KINDS:
            if contest_id is None and kind != AudienceKind.GRANTEES:
                raise serializers.ValidationError({"contest": [_("Choose the contest.")]})
            if contest_id is not None and not Contest.objects.filter(pk=contest_id).exists():
                raise serializers.ValidationError({"contest": [_("There is no such contest.")]})
            result["contest"] = contest_id
        if kind == AudienceKind.APPLICANTS:
            nominations = sorted(set(data.get("nominations") or []))
            found = Nomination.objects.filter(pk__in=nominations, contest_id=contest_id).count()
            if found != len(nominations):
                raise serializers.ValidationError({"nominations": [_("Choose nominations of this contest.")]})
            result |= {
                "states": sorted(set(data.get("states") or [])),
                "regions": sorted(set(data.get("regions") or [])),
                "nominations": nominations,
            }
        elif data.get("states") or data.get("regions") or data.get("nominations"):
            raise serializers.ValidationError(
                {"kind": [_("States, regions and nominations choose among applicants only.")]}
            )
        if kind == AudienceKind.LATE_REPORTERS:
            campaign = data.get("campaign")
            if campaign is None:
                raise serializers.ValidationError({"campaign": [_("Choose the campaign.")]})
            if not Campaign.objects.filter(pk=campaign).exists():
                raise serializers.ValidationError({"campaign": [_("There is no such campaign.")]})
            result["campaign"] = campaign
        return result


def describe(audience: dict) -> str:
    """The audience in words, for the mailing's page."""
    kind = audience.get("kind", "")
    try:
        label = str(AudienceKind(kind).label)
    except ValueError:
        return _("No audience chosen yet.")
    parts = [label]
    if audience.get("contest"):
        title = Contest.objects.filter(pk=audience["contest"]).values_list("title", flat=True).first()
        parts.append(_("contest: %(title)s") % {"title": title or "—"})
    elif kind == AudienceKind.GRANTEES:
        parts.append(_("all contests"))
    if audience.get("states"):
        labels = dict(Application.State.choices)
        parts.append(_("states: %(list)s") % {"list": ", ".join(str(labels[s]) for s in audience["states"])})
    if audience.get("regions"):
        labels = dict(Region.choices)
        parts.append(
            _("regions: %(list)s") % {"list": ", ".join(str(labels[r]) for r in audience["regions"])}
        )
    if audience.get("nominations"):
        names = Nomination.objects.filter(pk__in=audience["nominations"]).values_list("title", flat=True)
        parts.append(_("nominations: %(list)s") % {"list": ", ".join(names)})
    if audience.get("campaign"):
        title = Campaign.objects.filter(pk=audience["campaign"]).values_list("title", flat=True).first()
        parts.append(_("campaign: %(title)s") % {"title": title or "—"})
    return "; ".join(parts)

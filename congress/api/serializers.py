from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from congress.models import Event, Invitation
from contests.models import Contest
from core.api import AllowedStepsField
from core.strict import RefuseUnknownFieldsMixin
from depository.models import Practice

YEARS = (2000, 2100)


def sane_moment(value):
    """A moment in a plausible year: far ones would overflow when shown in a local time zone."""
    if value is not None and not YEARS[0] <= value.year <= YEARS[1]:
        raise serializers.ValidationError(_("Enter a moment between the years 2000 and 2100."))
    return value


def case_url(practice_pk: int) -> str:
    return settings.SITE_URL + reverse("depository:detail", args=[practice_pk])


class CongressEventSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """An event. Writable: its title, description, time, place and (optionally) the contest
    whose organisers organise it too (one the caller organises)."""

    contest = serializers.PrimaryKeyRelatedField(
        queryset=Contest.objects.all(), required=False, allow_null=True
    )
    allowed_transitions = AllowedStepsField()
    programme_url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "contest",
            "state",
            "published_at",
            "programme_url",
            "allowed_transitions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "state", "published_at", "created_at", "updated_at"]

    validate_starts_at = staticmethod(sane_moment)
    validate_ends_at = staticmethod(sane_moment)

    def get_programme_url(self, event: Event) -> str:
        """The public programme page (answers 404 until the programme is published)."""
        return settings.SITE_URL + reverse("congress:programme", args=[event.pk])


class CongressInvitationSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """An invitation to present a case. Writable on creation: the event, the case, the
    deadline for an answer, topic and slot; afterwards topic, slot and (while unanswered) the
    deadline."""

    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all())
    practice = serializers.PrimaryKeyRelatedField(
        queryset=Practice.objects.all(), help_text="The case's number."
    )
    event_title = serializers.CharField(source="event.title", read_only=True)
    case_title = serializers.CharField(source="practice.title", read_only=True)
    case_url = serializers.SerializerMethodField()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    allowed_transitions = AllowedStepsField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "event",
            "event_title",
            "practice",
            "case_title",
            "case_url",
            "organisation",
            "organisation_name",
            "state",
            "topic",
            "slot_starts_at",
            "position",
            "respond_by",
            "decline_reason",
            "answered_at",
            "allowed_transitions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "organisation",
            "state",
            "position",
            "decline_reason",
            "answered_at",
            "created_at",
            "updated_at",
        ]

    validate_respond_by = staticmethod(sane_moment)
    validate_slot_starts_at = staticmethod(sane_moment)

    def get_case_url(self, invitation: Invitation) -> str:
        return case_url(invitation.practice_id)


class CongressInvitationUpdateSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = ["topic", "slot_starts_at", "respond_by"]
        extra_kwargs = {"respond_by": {"required": False}}

    validate_respond_by = staticmethod(sane_moment)
    validate_slot_starts_at = staticmethod(sane_moment)


class CongressReorderSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=1000,
        help_text="Invitation ids in the programme's new order; the others follow, as they were.",
    )


class CongressProgrammeItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    topic = serializers.CharField()
    slot_starts_at = serializers.DateTimeField(allow_null=True)
    organisation = serializers.CharField(source="organisation.name")
    settlement = serializers.CharField(source="organisation.settlement")
    case_number = serializers.IntegerField(source="practice_id")
    case_title = serializers.CharField(source="practice.title")
    case_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField())
    def get_case_url(self, invitation: Invitation) -> str:
        return case_url(invitation.practice_id)


class CongressProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    state = serializers.CharField()
    presenters = CongressProgrammeItemSerializer(many=True)

from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import Organisation
from contests.models import Contest
from core.strict import RefuseUnknownFieldsMixin
from webhooks.models import SUBSCRIBABLE, Attempt, Delivery, Endpoint, EventType


class EndpointSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIBABLE), min_length=1, max_length=len(SUBSCRIBABLE)
    )
    url = serializers.URLField(
        max_length=500, help_text="https:// (http:// to this machine only when the server allows it)."
    )
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "organisation",
            "contest",
            "url",
            "description",
            "events",
            "active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "organisation",
            "contest",
            "active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "created_at",
            "updated_at",
        ]


class EndpointCreateSerializer(EndpointSerializer):
    """The owner is either an organisation (its administrators) or a contest (its organisers)."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    contest = serializers.PrimaryKeyRelatedField(
        queryset=Contest.objects.all(), required=False, allow_null=True
    )

    class Meta(EndpointSerializer.Meta):
        read_only_fields = [
            f for f in EndpointSerializer.Meta.read_only_fields if f not in ("organisation", "contest")
        ]

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("organisation")) == bool(attrs.get("contest")):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give either an organisation or a contest.")]}
            )
        return attrs


class NewSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="The signing secret: shown only in this answer.")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["number", "at", "status_code", "duration_ms", "error"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    event = serializers.ChoiceField(choices=EventType.choices, read_only=True)
    log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "uuid",
            "event",
            "state",
            "attempts",
            "status_code",
            "duration_ms",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "payload",
            "log",
        ]
        read_only_fields = fields

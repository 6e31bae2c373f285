from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contests.models import Contest
from core.api import AllowedStepsField
from core.strict import RefuseUnknownFieldsMixin
from mailings.audience import AudienceSerializer
from mailings.models import LANGUAGES, Mailing, MailingRecipient, Subscriber

TEXTS = [f"{part}_{language}" for part in ("subject", "body") for language in LANGUAGES]


@extend_schema_field(AudienceSerializer)
class AudienceField(serializers.JSONField):
    """Checked by MailingSerializer.validate against the mailing's contest."""


class MailingSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    audience = AudienceField(
        help_text="kind: applicants (contest, states, regions, nominations) | jurors (contest) | "
        "grantees (contest, or none: all) | late_reporters (campaign) | subscribers. A contest's "
        "mailing reaches its own contest's people only."
    )
    allowed = AllowedStepsField(help_text="The steps the caller may take now (send).")

    class Meta:
        model = Mailing
        fields = [
            "id",
            "contest",
            *TEXTS,
            "essential",
            "audience",
            "state",
            "allowed",
            "recipients_count",
            "unsubscribed_count",
            "sent_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "contest",
            "state",
            "recipients_count",
            "unsubscribed_count",
            "sent_at",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs: dict) -> dict:
        contest = attrs.get("contest") if self.instance is None else self.instance.contest
        if "audience" in attrs or self.instance is None:
            audience = AudienceSerializer(data=attrs.get("audience") or {}, owner=contest)
            if not audience.is_valid():
                raise serializers.ValidationError({"audience": audience.errors})
            attrs["audience"] = audience.validated_data
        return attrs


class MailingCreateSerializer(MailingSerializer):
    contest = serializers.PrimaryKeyRelatedField(
        queryset=Contest.objects.all(),
        required=False,
        allow_null=True,
        help_text="The contest whose organisers manage it; none for a site-wide mailing (staff, Organisers).",
    )

    class Meta(MailingSerializer.Meta):
        read_only_fields = [f for f in MailingSerializer.Meta.read_only_fields if f != "contest"]


class MailingPreviewSerializer(serializers.Serializer):
    recipients = serializers.IntegerField(help_text="How many people it would reach now.")
    unsubscribed = serializers.IntegerField(help_text="Skipped: they unsubscribed (non-essential only).")
    sample = serializers.ListField(
        child=serializers.CharField(), help_text="The first few recipients' names."
    )


class MailingProgressSerializer(serializers.Serializer):
    state = serializers.CharField()
    total = serializers.IntegerField()
    pending = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    unsubscribed = serializers.IntegerField()
    percent = serializers.IntegerField()


class MailingRecipientSerializer(serializers.ModelSerializer):
    delivery = serializers.SerializerMethodField(help_text="The e-mail's state in the outbox.")

    class Meta:
        model = MailingRecipient
        fields = ["id", "user", "name", "email", "language", "state", "delivery"]

    def get_delivery(self, recipient: MailingRecipient) -> str:
        return recipient.message.state if recipient.message_id else ""


class SubscribeSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default="uk")
    topic = serializers.ChoiceField(choices=Subscriber.Topic.choices, default=Subscriber.Topic.DEPOSITORY)


class SubscriptionTokenSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    token = serializers.CharField(max_length=500)


class SubscriptionDoneSerializer(serializers.Serializer):
    detail = serializers.CharField()

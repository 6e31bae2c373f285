from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation
from accounts.regions import Region
from campaigns.models import (
    Campaign,
    CampaignIndicator,
    CampaignQuestion,
    CampaignReport,
    ReportAttachment,
    Schedule,
)
from contests.models import Contest
from core.api import AllowedStepsField
from core.strict import RefuseUnknownFieldsMixin

FIGURE = {"max_digits": 14, "decimal_places": 2}


class CampaignQuestionSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    field_type = serializers.ChoiceField(choices=CampaignQuestion.Type.choices)
    choices = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, max_length=100
    )
    file_types = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False, max_length=6
    )

    class Meta:
        model = CampaignQuestion
        fields = [
            "id",
            "key",
            "label",
            "help_text",
            "field_type",
            "required",
            "max_length",
            "choices",
            "file_types",
            "max_file_mb",
            "position",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"help_text": {"max_length": 4000}}


class CampaignIndicatorSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = CampaignIndicator
        fields = ["id", "name", "unit", "position"]
        read_only_fields = ["id", "position"]


class CampaignSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    # Plain codes, checked below: the same choice sets as organisations' `region` and `kind`, whose
    # enums the schema names once (a second name for them would be a schema warning).
    audience_regions = serializers.ListField(
        child=serializers.CharField(max_length=32),
        required=False,
        max_length=len(Region.choices),
        help_text="Region codes, as an organisation's `region` (e.g. poltava).",
    )
    audience_kinds = serializers.ListField(
        child=serializers.CharField(max_length=32),
        required=False,
        max_length=len(Organisation.Kind.choices),
        help_text="Kinds of organisation, as an organisation's `kind` (e.g. public_library).",
    )
    audience_contest = serializers.PrimaryKeyRelatedField(
        queryset=Contest.objects.all(), required=False, allow_null=True
    )
    audience_organisations = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False
    )
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    questions = CampaignQuestionSerializer(many=True, read_only=True)
    indicators = CampaignIndicatorSerializer(many=True, read_only=True)
    allowed_transitions = AllowedStepsField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "instructions",
            "owner",
            "due_at",
            "period_label",
            "state",
            "state_display",
            "audience_regions",
            "audience_kinds",
            "audience_contest",
            "audience_organisations",
            "schedule",
            "questions",
            "indicators",
            "opened_at",
            "allowed_transitions",
            "created_at",
        ]
        read_only_fields = ["id", "owner", "state", "schedule", "opened_at", "created_at"]

    def validate_audience_regions(self, value: list[str]) -> list[str]:
        if unknown := sorted(set(value) - set(Region.values)):
            raise serializers.ValidationError(_("Unknown region: %(codes)s") % {"codes": ", ".join(unknown)})
        return value

    def validate_audience_kinds(self, value: list[str]) -> list[str]:
        if unknown := sorted(set(value) - set(Organisation.Kind.values)):
            raise serializers.ValidationError(_("Unknown kind: %(codes)s") % {"codes": ", ".join(unknown)})
        return value


class CampaignCreateSerializer(CampaignSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())

    class Meta(CampaignSerializer.Meta):
        read_only_fields = [f for f in CampaignSerializer.Meta.read_only_fields if f != "owner"]


class CampaignAudienceSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many organisations the audience holds now.")
    organisations = serializers.ListField(
        child=serializers.CharField(), help_text="The first 50 of them, by name."
    )


class CampaignRegionFiguresSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_label = serializers.CharField()
    requested = serializers.IntegerField()
    submitted = serializers.IntegerField()
    late = serializers.IntegerField()


class CampaignIndicatorTotalSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    unit = serializers.CharField()
    region = serializers.CharField()
    region_label = serializers.CharField()
    year = serializers.IntegerField()
    target = serializers.DecimalField(**FIGURE)
    actual = serializers.DecimalField(**FIGURE)


class CampaignSummarySerializer(serializers.Serializer):
    requested = serializers.IntegerField()
    submitted = serializers.IntegerField()
    accepted = serializers.IntegerField()
    returned = serializers.IntegerField()
    late = serializers.IntegerField()
    by_region = CampaignRegionFiguresSerializer(many=True)
    indicator_totals = CampaignIndicatorTotalSerializer(many=True)


class CampaignTargetSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    indicator = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    organisation = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text="Empty: every organisation of the audience.",
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    target = serializers.DecimalField(**FIGURE, min_value=0)


class CampaignTargetsInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    targets = CampaignTargetSerializer(many=True, min_length=1, max_length=1000)


class CampaignTargetsResultSerializer(serializers.Serializer):
    saved = serializers.IntegerField(help_text="Targets written (one per organisation).")


class CampaignActualSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    indicator = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    value = serializers.DecimalField(**FIGURE, min_value=0, allow_null=True)


class CampaignReportAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportAttachment
        fields = ["id", "question_key", "original_name", "kind", "size", "created_at"]
        read_only_fields = fields


class CampaignReportSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    due_at = serializers.DateTimeField(source="campaign.due_at", read_only=True)
    is_late = serializers.BooleanField(read_only=True)
    actuals = serializers.SerializerMethodField()
    attachments = CampaignReportAttachmentSerializer(many=True, read_only=True)
    allowed_transitions = AllowedStepsField()

    class Meta:
        model = CampaignReport
        fields = [
            "id",
            "campaign",
            "organisation",
            "organisation_name",
            "due_at",
            "state",
            "state_display",
            "is_late",
            "answers",
            "actuals",
            "attachments",
            "return_note",
            "correction_due_at",
            "submitted_at",
            "reviewed_at",
            "allowed_transitions",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(CampaignActualSerializer(many=True))
    def get_actuals(self, report: CampaignReport) -> list[dict]:
        return [{"indicator": a.indicator_id, "value": str(a.value)} for a in report.actuals.all()]


class CampaignReportUpdateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    representation = CampaignReportSerializer
    answers = serializers.DictField(required=False, help_text="Answers by question key; null clears one.")
    actuals = CampaignActualSerializer(many=True, required=False, max_length=500)


class CampaignReportUploadSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    question_key = serializers.SlugField(max_length=60)
    file = serializers.FileField()


class CampaignScheduleSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    days = serializers.ListField(
        child=serializers.RegexField(r"^\d{2}-\d{2}$", max_length=5),
        min_length=1,
        max_length=12,
        help_text='Due days of every year as MM-DD, e.g. ["03-20", "10-20"].',
    )
    due_hour = serializers.IntegerField(min_value=0, max_value=23, required=False)
    lead_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
    template = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Schedule
        fields = ["id", "template", "days", "due_hour", "lead_days", "is_active", "created_at"]
        read_only_fields = ["id", "template", "created_at"]


class CampaignScheduleCreateSerializer(CampaignScheduleSerializer):
    template = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())

    class Meta(CampaignScheduleSerializer.Meta):
        read_only_fields = ["id", "created_at"]

    def validate_template(self, template: Campaign) -> Campaign:
        request = self.context.get("request")
        if request is not None and not request.user.has_perm("campaigns.manage_campaign", template):
            raise serializers.ValidationError(_("Choose a campaign you manage."))
        return template

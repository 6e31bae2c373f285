"""Serializers of the special awards, the documents (diplomas, certificates, letters of thanks)
and the bulk issue runs."""

from django.urls import reverse
from rest_framework import serializers

from awards.models import Diploma, IssueRun, SpecialAward, SpecialAwardChoice
from core.strict import RefuseUnknownFieldsMixin


class SpecialAwardChoiceSerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number", read_only=True)
    application_title = serializers.CharField(source="application.title", read_only=True)
    organisation = serializers.CharField(source="application.organisation.name", read_only=True)
    chosen_by = serializers.CharField(source="chosen_by.display_name", read_only=True, default=None)

    class Meta:
        model = SpecialAwardChoice
        fields = [
            "id",
            "application",
            "application_number",
            "application_title",
            "organisation",
            "reason",
            "chosen_by",
            "created_at",
        ]
        read_only_fields = fields


class SpecialAwardSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    contest = serializers.IntegerField(source="contest_id", read_only=True)
    choices = SpecialAwardChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = SpecialAward
        fields = ["id", "contest", "title", "description", "places", "chosen", "choices", "created_at"]
        read_only_fields = ["id", "contest", "chosen", "choices", "created_at"]


class SpecialAwardCreateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    contest = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    places = serializers.IntegerField(min_value=1, max_value=100, default=1)


class ChooseSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    application = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(max_length=4000, help_text="Why this application receives the award.")


class UnchooseSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    application = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class DocumentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    contest = serializers.IntegerField(source="contest_id", read_only=True)
    application = serializers.IntegerField(source="application_id", read_only=True, allow_null=True)
    juror = serializers.IntegerField(source="juror_id", read_only=True, allow_null=True)
    issued_to = serializers.CharField(read_only=True)
    pdf = serializers.SerializerMethodField()
    verification = serializers.SerializerMethodField()

    class Meta:
        model = Diploma
        fields = [
            "id",
            "kind",
            "kind_display",
            "code",
            "contest",
            "application",
            "juror",
            "issued_to",
            "contest_title",
            "nomination_title",
            "application_title",
            "award_title",
            "reason",
            "place",
            "awarded_on",
            "pdf",
            "verification",
        ]
        read_only_fields = fields

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_pdf(self, document: Diploma) -> str:
        return self._absolute(reverse("api:awarddocument-pdf", args=[document.pk]))

    def get_verification(self, document: Diploma) -> str:
        return self._absolute(reverse("awards:verify_code", args=[document.code]))


class IssueRunSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    contest = serializers.IntegerField(source="contest_id", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = IssueRun
        fields = [
            "id",
            "contest",
            "kind",
            "kind_display",
            "state",
            "state_display",
            "total",
            "done",
            "percent",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class IssueRunCreateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    contest = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=IssueRun.Kind.choices)

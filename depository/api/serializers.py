from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.models import Attachment
from contests.models import Category
from depository.cases import section_rows
from depository.models import Practice


class PracticeCategorySerializer(serializers.ModelSerializer):
    classifier = serializers.CharField(source="classifier.title", default=None)

    class Meta:
        model = Category
        fields = ["id", "code", "title", "classifier"]


class CaseItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.JSONField()


class CaseSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    items = CaseItemSerializer(many=True)


class PublicFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "kind", "size", "url"]

    def get_url(self, attachment: Attachment) -> str:
        path = reverse("depository:download", args=[self.context["practice"].pk, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class IndicatorResultSerializer(serializers.Serializer):
    title = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    achieved = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    period = serializers.CharField()


class PracticeListSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="pk", read_only=True)
    region_display = serializers.CharField(source="get_region_display", read_only=True)
    contest_title = serializers.CharField(source="contest.title", read_only=True)
    nomination_title = serializers.CharField(source="nomination.title", read_only=True)
    categories = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Practice
        fields = [
            "number",
            "title",
            "organisation_name",
            "settlement",
            "region",
            "region_display",
            "year",
            "awarded",
            "contest",
            "contest_title",
            "nomination",
            "nomination_title",
            "categories",
            "published_at",
            "page_url",
        ]

    @extend_schema_field(PracticeCategorySerializer(many=True))
    def get_categories(self, practice: Practice) -> list[dict]:
        # Plain fields of the prefetched rows: no classifier lookup per category in a list.
        return [{"id": c.pk, "code": c.code, "title": c.title} for c in practice.categories.all()]

    def get_page_url(self, practice: Practice) -> str:
        path = reverse("depository:detail", args=[practice.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class PracticeEServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    category = serializers.CharField(source="category.label")
    page_url = serializers.SerializerMethodField()

    def get_page_url(self, service) -> str:
        path = reverse("eservices:detail", args=[service.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class PracticeDetailSerializer(PracticeListSerializer):
    categories = PracticeCategorySerializer(many=True, read_only=True)
    sections = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    eservices = serializers.SerializerMethodField()
    indicator_results = serializers.SerializerMethodField()

    class Meta(PracticeListSerializer.Meta):
        fields = [*PracticeListSerializer.Meta.fields, "sections", "files", "eservices", "indicator_results"]

    @extend_schema_field(PracticeEServiceSerializer(many=True))
    def get_eservices(self, practice: Practice) -> list[dict]:
        """The published e-services the case describes (selectors.case_detail prefetches them)."""
        return PracticeEServiceSerializer(practice.public_eservices, many=True, context=self.context).data

    @extend_schema_field(CaseSectionSerializer(many=True))
    def get_sections(self, practice: Practice) -> list[dict]:
        return CaseSectionSerializer(section_rows(practice.sections, practice.layout), many=True).data

    @extend_schema_field(PublicFileSerializer(many=True))
    def get_files(self, practice: Practice) -> list[dict]:
        context = {**self.context, "practice": practice}
        return PublicFileSerializer(practice.application.public_files, many=True, context=context).data

    @extend_schema_field(IndicatorResultSerializer(many=True))
    def get_indicator_results(self, practice: Practice) -> list[dict]:
        results = self.context.get("indicator_results", {}).get(practice.pk, [])
        return IndicatorResultSerializer(results, many=True).data

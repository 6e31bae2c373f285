from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation
from core.strict import RefuseUnknownFieldsMixin
from eservices.models import FIRST_YEAR, Accessibility, EService, EServiceYear, ServiceCategory


class EServiceCategorySerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = ServiceCategory
        fields = ["id", "code", "title", "order"]
        read_only_fields = fields


class EServiceYearFigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = EServiceYear
        fields = ["year", "people_helped"]
        read_only_fields = fields


class EServiceSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """A library's e-service. `organisation` is given when creating and never changes."""

    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    address = serializers.CharField(source="organisation.address", read_only=True)
    settlement = serializers.CharField(source="organisation.settlement", read_only=True)
    region = serializers.CharField(source="organisation.region", read_only=True)
    region_display = serializers.CharField(source="organisation.get_region_display", read_only=True)
    category = serializers.PrimaryKeyRelatedField(queryset=ServiceCategory.objects.all())
    category_title = serializers.CharField(source="category.label", read_only=True)
    accessibility = serializers.ListField(
        child=serializers.ChoiceField(choices=Accessibility.choices),
        required=False,
        max_length=len(Accessibility.choices),
    )
    help_given = serializers.CharField(max_length=3000)
    years = EServiceYearFigureSerializer(many=True, read_only=True)
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = EService
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "address",
            "settlement",
            "region",
            "region_display",
            "name",
            "category",
            "category_title",
            "help_given",
            "hours",
            "accessibility",
            "since",
            "published",
            "years",
            "page_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def get_page_url(self, service: EService) -> str:
        path = reverse("eservices:detail", args=[service.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class EServiceCreateSerializer(EServiceSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())


class EServiceYearSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """People helped by one service in one year; `service` is given when creating."""

    service = serializers.PrimaryKeyRelatedField(read_only=True)
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=9999)
    people_helped = serializers.IntegerField(min_value=0, max_value=10_000_000)

    class Meta:
        model = EServiceYear
        fields = ["id", "service", "year", "people_helped"]
        read_only_fields = ["id"]
        # POST replaces a year's figure (services.set_year); PATCH to a taken year is refused there.
        validators: list = []


class EServiceYearCreateSerializer(EServiceYearSerializer):
    service = serializers.PrimaryKeyRelatedField(queryset=EService.objects.all())

    def validate_service(self, service: EService) -> EService:
        visible = self.context["visible"]
        if not visible.filter(pk=service.pk).exists():  # never say a hidden service exists
            message = self.fields["service"].error_messages["does_not_exist"]
            raise serializers.ValidationError(message.format(pk_value=service.pk))
        return service


class EServicePeopleInYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    people = serializers.IntegerField()


class EServiceRegionTotalSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_display = serializers.CharField(source="label")
    services = serializers.IntegerField(help_text="Published e-services of the region's organisations.")
    organisations = serializers.IntegerField(help_text="Organisations offering them.")
    people_total = serializers.IntegerField(help_text="People helped, all years.")
    people_by_year = serializers.SerializerMethodField()

    @extend_schema_field(EServicePeopleInYearSerializer(many=True))
    def get_people_by_year(self, total) -> list[dict]:
        return [{"year": year, "people": people} for year, people in total.people_by_year.items()]

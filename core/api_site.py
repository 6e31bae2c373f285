"""GET /api/v1/site/ (anyone) and PATCH /api/v1/site/ (staff): who runs the site, its contacts,
logo and page texts, the same settings as the staff page /site/settings/ (core.site)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core import site
from core.api import ErrorSerializer
from core.models import SiteSettings
from core.strict import RefuseUnknownFieldsMixin


class SiteSettingsSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """What every page shows: a stored value, else the deployment's default. Sending an empty value
    goes back to the default; a page text left empty shows the standard, translated text."""

    logo = serializers.FileField(
        write_only=True, required=False, help_text="PNG or JPEG, checked from its content."
    )
    remove_logo = serializers.BooleanField(write_only=True, required=False, default=False)
    logo_url = serializers.SerializerMethodField()

    class Meta:
        model = SiteSettings
        fields = [*site.EDITABLE, "logo", "remove_logo", "logo_url"]
        extra_kwargs = {field: {"required": False, "allow_blank": True} for field in site.EDITABLE}

    def get_logo_url(self, info) -> str | None:
        if not info.has_logo:
            return None
        request = self.context.get("request")
        url = f"{reverse('site:logo')}?v={info.logo_version}"
        return request.build_absolute_uri(url) if request else url

    def to_representation(self, info: site.SiteInfo) -> dict:
        shown = {field: getattr(info, "name" if field == "site_name" else field) for field in site.EDITABLE}
        return {**shown, "logo_url": self.get_logo_url(info)}

    def validate_logo(self, upload):
        try:
            site.check_logo(upload)
        except DjangoValidationError as error:
            raise ValidationError(error.messages) from None
        return upload


class SiteSettingsView(APIView):
    permission_classes = [AllowAny]
    serializer_class = SiteSettingsSerializer

    @extend_schema(operation_id="site_settings_retrieve", responses={200: SiteSettingsSerializer})
    def get(self, request):
        return Response(SiteSettingsSerializer(site.current(), context={"request": request}).data)

    @extend_schema(
        operation_id="site_settings_partial_update",
        request={
            "multipart/form-data": SiteSettingsSerializer,
            "application/json": SiteSettingsSerializer,
        },
        responses={200: SiteSettingsSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        description="Staff only. Send the fields to change; an empty value goes back to the default. "
        "A logo (PNG or JPEG, checked from its content) needs multipart/form-data.",
    )
    def patch(self, request):
        if not request.user.has_perm("core.change_site_settings"):
            raise PermissionDenied(_("Only staff may change the site settings."))
        payload = SiteSettingsSerializer(data=request.data, partial=True, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            site.save_site_settings(
                by=request.user,
                values={field: data[field] for field in site.EDITABLE if field in data},
                logo=data.get("logo"),
                remove_logo=data.get("remove_logo", False),
            )
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
            ) from None
        return Response(SiteSettingsSerializer(site.current(), context={"request": request}).data)

"""Table imports by API, with the pages' rules and preview: upload a CSV or XLSX file (multipart
`file`), read the preview (every row with its errors, rows that will be skipped), then
`POST …/{id}/confirm/` (the ImportJob catalogue, accounts/steps.py) and poll the job for its
progress and result. Organisations here; a contest's jurors at /api/v1/juror-imports/ (review)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import imports
from accounts.models import ImportJob
from accounts.steps import IMPORT_JOB
from core.api import AllowedStepsField, ErrorSerializer, RefuseUnknownFieldsMixin, TransitionActionsMixin

UPLOAD_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class ImportColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()
    example = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text=gettext_lazy("The row's line in the file."))
    values = serializers.DictField(child=serializers.CharField(allow_blank=True))
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    skip = serializers.CharField(help_text=gettext_lazy("Why a good row will not be written, if so."))
    ok = serializers.BooleanField()


class ImportPreviewSerializer(serializers.Serializer):
    columns = ImportColumnSerializer(many=True)
    rows = ImportRowSerializer(many=True)
    good = serializers.IntegerField()
    bad = serializers.IntegerField()
    skipped = serializers.IntegerField()


class ImportJobSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """An import: its counts, state and outcome; while it waits for confirmation, its preview
    (checked against the database as it is now, as the page shows it)."""

    allowed = AllowedStepsField()
    preview = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "scope",
            "state",
            "file_kind",
            "total",
            "error_rows",
            "skip_rows",
            "processed",
            "created",
            "invited",
            "errors",
            "created_at",
            "finished_at",
            "allowed",
            "preview",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportPreviewSerializer(allow_null=True))
    def get_preview(self, job: ImportJob) -> dict | None:
        if job.state != ImportJob.State.PREVIEWED or not self.context.get("with_preview", True):
            return None
        return preview_of(job)


def preview_of(job: ImportJob, results: list | None = None) -> dict:
    importer = imports.IMPORTERS[job.kind]
    results = imports.previewed_rows(job) if results is None else results
    bad = sum(1 for r in results if not r.ok)
    skipped = sum(1 for r in results if r.ok and r.skip)
    return ImportPreviewSerializer(
        {
            "columns": [
                {"key": c.key, "label": str(c.label), "required": c.required, "example": c.example}
                for c in importer.columns()
            ],
            "rows": [{**r.as_dict(), "ok": r.ok} for r in results],
            "good": len(results) - bad - skipped,
            "bad": bad,
            "skipped": skipped,
        }
    ).data


class ImportUploadSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text=gettext_lazy("A CSV or XLSX table; the first row names the columns; at most 20,000 rows.")
    )


def create_import(request: Request, kind: str, scope: str = "", *, data=None) -> Response:
    """Read and check an upload (both kinds): 201 with the job and its preview, 400 for a file
    that cannot be used (its errors under `file`)."""
    payload = ImportUploadSerializer(data=request.data if data is None else data)
    payload.is_valid(raise_exception=True)
    try:
        job, results = imports.create_job(kind, payload.validated_data["file"], by=request.user, scope=scope)
    except DjangoValidationError as error:
        raise DRFValidationError({"file": error.messages}) from None
    data = ImportJobSerializer(job, context={"request": request, "with_preview": False}).data
    data["preview"] = preview_of(job, results)
    return Response(data, status=status.HTTP_201_CREATED)


class ImportJobViewSet(
    TransitionActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's imports (staff: all); others' answer 404. `confirm` queues a checked table
    without errors (409 otherwise, with the reason); the job then reports its progress."""

    serializer_class = ImportJobSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["kind", "state"]
    catalogue = IMPORT_JOB

    def get_queryset(self):
        jobs = ImportJob.objects.order_by("-created_at", "-pk")
        if not self.request.user.is_authenticated:
            return jobs.none()
        if not self.request.user.is_staff:
            jobs = jobs.filter(created_by=self.request.user)
        return jobs

    def get_serializer_context(self):
        # A list shows counts only; the preview (every row, checked again) is the job's own.
        return {**super().get_serializer_context(), "with_preview": self.action != "list"}

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer, **UPLOAD_ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="organisations",
        parser_classes=[MultiPartParser, FormParser],
    )
    def organisations(self, request: Request) -> Response:
        """Upload a table of organisations: staff and contest organisers."""
        if not request.user.has_perm("accounts.import_organisations"):
            raise PermissionDenied(_("Only staff and contest organisers may import organisations."))
        return create_import(request, ImportJob.Kind.ORGANISATIONS)

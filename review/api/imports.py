"""A contest's jurors imported by API: the same upload, preview and confirmation as the
organisations' (accounts/api/imports.py), for the contest's organisers (contests.manage_roles).
The job is then read and confirmed at /api/v1/imports/{id}/."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.imports import UPLOAD_ERRORS, ImportJobSerializer, ImportUploadSerializer, create_import
from accounts.models import ImportJob
from contests.selectors import contests_visible_to
from review.imports import scope_of


class JurorImportUploadSerializer(ImportUploadSerializer):
    contest = serializers.IntegerField(help_text=gettext_lazy("The contest whose jury the table fills."))


class JurorImportViewSet(viewsets.GenericViewSet):
    """Upload a table of a contest's jurors (multipart: `contest`, `file`): 201 with the job and
    its preview; confirm it with POST /api/v1/imports/{id}/confirm/."""

    serializer_class = ImportJobSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": JurorImportUploadSerializer},
        responses={201: ImportJobSerializer, **UPLOAD_ERRORS},
    )
    def create(self, request: Request) -> Response:
        raw = request.data.get("contest", "")
        if not str(raw).isdigit():
            return Response({"contest": [_("Give the contest's id.")]}, status=400)
        contest = get_object_or_404(contests_visible_to(request.user), pk=int(raw))
        if not request.user.has_perm("contests.manage_roles", contest):
            raise PermissionDenied(_("Only the contest's organisers may import its jurors."))
        data = request.data.copy()
        data.pop("contest", None)
        return create_import(request, ImportJob.Kind.JURORS, scope_of(contest), data=data)

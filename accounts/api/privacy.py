"""GET /api/v1/me/data/: everything Konkurs holds about the caller (issue 16, point 8), the same
as the file of the page "My data"; the download is recorded in the security log."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import privacy
from core.api import ErrorSerializer


class MyDataView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The caller's profile, memberships, roles, applications, reviews, messages, "
                "security events and API tokens (names and dates, never keys).",
            ),
            401: OpenApiResponse(ErrorSerializer, description="Not logged in."),
            403: OpenApiResponse(ErrorSerializer, description="Not logged in (session without a token)."),
        }
    )
    def get(self, request):
        """My data: what Konkurs holds about me, to download (GDPR art. 15 and 20 as the model)."""
        return Response(privacy.export_personal_data(request.user, request=request))

"""The project's URLs plus the two baselines of `make bench-load`, served only by
benchmarks/load_settings.py:

- `bare_write`: a bare Django view that parses the same JSON as saving answers and writes one
  row, with nothing else (no auth, no checks, no serializer): the issue's baseline;
- `floor_write`: the least a save of answers must do in this stack, written as plainly as DRF
  allows: the project's token authentication, a signed-in check, one transaction with the
  caller's row read locked (scoped to the organisations they are a member of) and one UPDATE.
  No questions, no validation of answers, no versions, no representation. What saving answers
  adds on top of it is the application's own work."""

import json

from django.db import transaction
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.models import Application
from config.urls import handler400  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


@csrf_exempt
def bare_write(request: HttpRequest, pk: int) -> JsonResponse:
    data = json.loads(request.body)
    written = Application.objects.filter(pk=pk).update(answers=data["answers"], updated_at=timezone.now())
    return JsonResponse({"id": pk, "written": written})


class FloorWrite(APIView):
    permission_classes = [IsAuthenticated]

    def patch(self, request, pk: int) -> Response:
        answers = request.data["answers"]
        with transaction.atomic():
            row = (
                Application.objects.select_for_update(of=("self",))
                .filter(pk=pk, organisation__memberships__user=request.user)
                .values_list("pk", flat=True)
                .first()
            )
            if row is None:
                raise Http404
            Application.objects.filter(pk=row).update(answers=answers, updated_at=timezone.now())
        return Response({"id": pk})


urlpatterns = [
    path("bench/bare-write/<int:pk>/", bare_write),
    path("bench/floor-write/<int:pk>/", FloorWrite.as_view()),
    *project_urlpatterns,
]

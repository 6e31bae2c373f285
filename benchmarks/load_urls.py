"""The project's URLs plus the baseline of `make bench-load`: a bare Django view that parses the
same JSON as saving answers and writes one row, with nothing else (no auth, no checks, no
serializer). Only benchmarks/load_settings.py routes here."""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from applications.models import Application
from config.urls import handler400  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


@csrf_exempt
def bare_write(request: HttpRequest, pk: int) -> JsonResponse:
    data = json.loads(request.body)
    written = Application.objects.filter(pk=pk).update(answers=data["answers"], updated_at=timezone.now())
    return JsonResponse({"id": pk, "written": written})


urlpatterns = [path("bench/bare-write/<int:pk>/", bare_write), *project_urlpatterns]

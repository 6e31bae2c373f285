from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.filters import FilterBackend
from depository import selectors
from depository.api.serializers import PracticeDetailSerializer, PracticeListSerializer
from depository.filters import PracticeFilter
from depository.indicators import indicator_results


class PracticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Published best-practice cases. `q` searches the text (ranked on PostgreSQL); `category`,
    `region`, `year` and `contest` filter. A case's number is its permanent identifier."""

    permission_classes = [AllowAny]
    # Only the catalogue's filters: an ordering parameter would undo the search's ranking.
    filter_backends = [FilterBackend]
    filterset_class = PracticeFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.case_detail()
        return selectors.catalogue()

    def get_serializer_class(self):
        return PracticeDetailSerializer if self.action == "retrieve" else PracticeListSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        practice = self.get_object()
        context = {**self.get_serializer_context(), "indicator_results": indicator_results([practice])}
        return Response(PracticeDetailSerializer(practice, context=context).data)

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from applications.models import Application
from awards import selectors, services
from awards.api.serializers import (
    AwardContestSerializer,
    AwardSettingsSerializer,
    CandidateSerializer,
    DecisionSerializer,
    ProposeSerializer,
    ResultsSerializer,
)
from awards.models import Decision
from awards.steps import DECISION
from contests.models import Nomination
from core.api import ErrorSerializer, TransitionActionsMixin


class DecisionViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Proposed, approved and withdrawn winners of the contests the caller organises or whose
    jury they chair. POST proposes a winner; approve (by someone other than the proposer) and
    withdraw are transitions; PATCH changes the citation only."""

    serializer_class = DecisionSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["contest", "nomination", "state"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    catalogue = DECISION

    def get_queryset(self):
        return (
            selectors.decisions_visible_to(self.request.user)
            .select_related("contest", "application__organisation", "proposed_by", "approved_by")
            .order_by("contest", "nomination", "rank_position", "pk")
        )

    @extend_schema(request=ProposeSerializer, responses={201: DecisionSerializer, 404: ErrorSerializer})
    def create(self, request, *args, **kwargs):
        payload = ProposeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        visible = selectors.contests_choosing_for(request.user)
        application = get_object_or_404(
            Application.objects.select_related("contest"), pk=data["application"], contest__in=visible
        )
        if not request.user.has_perm("awards.propose_winner", application.contest):
            raise PermissionDenied(_("Only this contest's organisers may propose winners."))
        decision = services.propose(
            application, by=request.user, reason=data["reason"], citation=data["citation"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=decision.pk)).data, status=201)

    def perform_update(self, serializer):
        decision = serializer.instance
        if not self.request.user.has_perm("awards.change_decision", decision):
            raise PermissionDenied(_("You may not do this."))
        services.update_citation(
            decision, citation=serializer.validated_data.get("citation", decision.citation)
        )


class AwardContestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Contests whose winners the caller chooses (organiser) or approves (jury chair): places
    taken against the limits and the ranking to choose from. The decide and announce steps are
    the contest's (`/api/v1/contests/{id}/decide/`, `…/announce/`)."""

    serializer_class = AwardContestSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["state"]

    def get_queryset(self):
        return (
            selectors.contests_choosing_for(self.request.user)
            .prefetch_related(
                Prefetch("nominations", queryset=Nomination.objects.order_by("order", "pk")),
                Prefetch("award_decisions", queryset=Decision.objects.all()),
            )
            .order_by("-pk")
        )

    @extend_schema(responses=CandidateSerializer(many=True))
    @action(detail=True, methods=["get"])
    def candidates(self, request, pk=None):
        """The latest round's ranking, each row with its decision (if any) and whether choosing
        it passes over a higher-ranked application (then a reason is required)."""
        contest = self.get_object()
        return Response(CandidateSerializer(selectors.candidates(contest), many=True).data)

    @extend_schema(methods=["PATCH"], request=AwardSettingsSerializer, responses=AwardSettingsSerializer)
    @extend_schema(methods=["GET"], responses=AwardSettingsSerializer)
    @action(detail=True, methods=["get", "patch"], url_path="settings")
    def award_settings(self, request, pk=None):
        """Whether the jurors' comments go to applicants (anonymously), and who signs diplomas."""
        contest = self.get_object()
        if request.method == "GET":
            return Response(AwardSettingsSerializer(services.settings_of(contest)).data)
        if not request.user.has_perm("awards.change_award_settings", contest):
            raise PermissionDenied(_("You may not do this."))
        payload = AwardSettingsSerializer(services.settings_of(contest), data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        try:
            found = services.update_settings(contest, **payload.validated_data)
        except DjangoValidationError as error:
            return Response({"non_field_errors": error.messages}, status=status.HTTP_409_CONFLICT)
        return Response(AwardSettingsSerializer(found).data)


class ResultsViewSet(viewsets.ReadOnlyModelViewSet):
    """Public results: only announced contests exist here."""

    serializer_class = ResultsSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.announced_contests().select_related("published_results").order_by("-pk")

"""The API of special awards, documents and bulk issue runs:

- /api/v1/special-awards/: a contest's special awards (organisers define them before the
  announcement; the jury chair or an organiser chooses who receives one, with a reason); those of
  announced contests are public.
- /api/v1/award-documents/: diplomas, special award diplomas, certificates of participation and
  letters of thanks: to organisers all of their contests', to anyone else their own; `pdf/`.
- /api/v1/issue-runs/: the bulk issues of certificates and letters of thanks, and their progress.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from applications.models import Application
from awards import certificates, diplomas, selectors, special
from awards.api.special_serializers import (
    ChooseSerializer,
    DocumentSerializer,
    IssueRunCreateSerializer,
    IssueRunSerializer,
    SpecialAwardChoiceSerializer,
    SpecialAwardCreateSerializer,
    SpecialAwardSerializer,
    UnchooseSerializer,
)
from awards.models import CHOOSING_STATES, Diploma, IssueRun, SpecialAward, SpecialAwardChoice
from contests.models import Contest
from contests.selectors import contests_organised_by, contests_visible_to
from core.api import ErrorSerializer
from core.api_files import FileNegotiation, FileRenderer
from core.exceptions import TransitionRefused
from core.problems import PROBLEM_CONTENT_TYPE, problem

E = ErrorSerializer
SEEN = {401: E, 404: E}


class PDFRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


def conflict(refused: TransitionRefused, allowed: list[str], state: str = "") -> Response:
    """409 as a problem: why, and what may be done with the object now."""
    body = problem(
        status.HTTP_409_CONFLICT,
        refused.reasons[0],
        reasons=refused.reasons,
        allowed=allowed,
        state=state or None,
    )
    return Response(body, status=status.HTTP_409_CONFLICT, content_type=PROBLEM_CONTENT_TYPE)


def _valid_pk(value) -> int:
    text = str(value or "")
    if not text.isdigit() or int(text) >= 2**63:
        raise Http404
    return int(text)


def _visible_contest(user, pk: int) -> Contest:
    """The contest a body names, among those the caller can see: a 400 on that field otherwise
    (a missing id in a body is bad input, not a missing page)."""
    contest = contests_visible_to(user).filter(pk=pk).first()
    if contest is None:
        raise DjangoValidationError({"contest": [_("There is no such contest.")]})
    return contest


def award_actions(award: SpecialAward, user) -> list[str]:
    """What the user may do with the award now (a 409 lists these)."""
    allowed = []
    contest = award.contest
    if user.has_perm("awards.define_special_awards", contest) and not special.define_problems(contest):
        allowed += ["update", "delete"]
    if user.has_perm("awards.choose_special_award", contest) and contest.state in CHOOSING_STATES:
        allowed += ["choose", "unchoose"]
    return allowed


@extend_schema_view(
    list=extend_schema(responses={200: SpecialAwardSerializer(many=True)}),
    retrieve=extend_schema(responses={200: SpecialAwardSerializer, **SEEN}),
    partial_update=extend_schema(
        request=SpecialAwardSerializer,
        responses={200: SpecialAwardSerializer, 400: E, 403: E, 409: E, **SEEN},
    ),
)
class SpecialAwardViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Special awards of contests: their organisers and jury chair see them at any time, everyone
    those of announced contests. Organisers create, change and delete them before the
    announcement; the jury chair or an organiser chooses (with a reason) who receives one while
    the winners are chosen (in review or decided), within the award's places."""

    serializer_class = SpecialAwardSerializer
    permission_classes = [AllowAny]
    filterset_fields = ["contest"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SpecialAward.objects.none()
        choices = SpecialAwardChoice.objects.select_related(
            "application__organisation", "chosen_by"
        ).order_by("pk")
        return (
            selectors.special_awards_visible_to(self.request.user)
            .select_related("contest")
            .prefetch_related(Prefetch("choices", queryset=choices))
            .order_by("contest_id", "pk")
        )

    def get_object(self) -> SpecialAward:
        return get_object_or_404(self.get_queryset(), pk=_valid_pk(self.kwargs.get("pk")))

    def _require(self, perm: str, award: SpecialAward) -> None:
        if not self.request.user.is_authenticated:
            raise PermissionDenied()
        if not self.request.user.has_perm(perm, award.contest):
            raise PermissionDenied(_("You may not do this."))

    def _answer(self, award: SpecialAward, code: int = 200) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=award.pk)).data, status=code)

    @extend_schema(
        request=SpecialAwardCreateSerializer,
        responses={201: SpecialAwardSerializer, 400: E, 401: E, 403: E, 409: E},
        description="A special award of a contest the caller organises, before its announcement.",
    )
    def create(self, request):
        if not request.user.is_authenticated:
            raise PermissionDenied()
        payload = SpecialAwardCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        contest = _visible_contest(request.user, data.pop("contest"))
        if not request.user.has_perm("awards.define_special_awards", contest):
            raise PermissionDenied(_("Only this contest's organisers may define special awards."))
        try:
            award = special.create_award(contest, **data)
        except TransitionRefused as refused:
            return conflict(refused, [], contest.state)
        return self._answer(award, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        award = self.get_object()
        self._require("awards.define_special_awards", award)
        payload = SpecialAwardSerializer(award, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        try:
            special.update_award(award, **payload.validated_data)
        except TransitionRefused as refused:
            return conflict(refused, award_actions(award, request.user), award.contest.state)
        return self._answer(award)

    @extend_schema(request=None, responses={204: None, 403: E, 409: E, **SEEN})
    def destroy(self, request, pk=None):
        award = self.get_object()
        self._require("awards.define_special_awards", award)
        try:
            special.delete_award(award)
        except TransitionRefused as refused:
            return conflict(refused, award_actions(award, request.user), award.contest.state)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=ChooseSerializer,
        responses={201: SpecialAwardChoiceSerializer, 400: E, 403: E, 409: E, **SEEN},
    )
    @action(detail=True, methods=["post"])
    def choose(self, request, pk=None):
        """Give the award to an eligible application (or one under review) of its contest, with
        the reason (required: 400 without). 409 when the contest is not choosing winners now or
        every place of the award is taken (with what may be done instead)."""
        award = self.get_object()
        self._require("awards.choose_special_award", award)
        payload = ChooseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        application = Application.objects.filter(pk=payload.validated_data["application"]).first()
        if application is None:
            raise DjangoValidationError({"application": [_("Choose an application of this contest.")]})
        try:
            choice = special.choose(
                award, application, by=request.user, reason=payload.validated_data["reason"]
            )
        except TransitionRefused as refused:
            return conflict(refused, award_actions(award, request.user), award.contest.state)
        choice = SpecialAwardChoice.objects.select_related("application__organisation", "chosen_by").get(
            pk=choice.pk
        )
        return Response(SpecialAwardChoiceSerializer(choice).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=UnchooseSerializer, responses={200: SpecialAwardSerializer, 400: E, 403: E, 409: E, **SEEN}
    )
    @action(detail=True, methods=["post"])
    def unchoose(self, request, pk=None):
        """Take the award back from an application (before the announcement)."""
        award = self.get_object()
        self._require("awards.choose_special_award", award)
        payload = UnchooseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            special.unchoose(award, payload.validated_data["application"])
        except TransitionRefused as refused:
            return conflict(refused, award_actions(award, request.user), award.contest.state)
        return self._answer(award)


@extend_schema_view(
    list=extend_schema(responses={200: DocumentSerializer(many=True), 401: E}),
    retrieve=extend_schema(responses={200: DocumentSerializer, **SEEN}),
)
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Documents with a verification code, of announced contests: winners' and special award
    diplomas, certificates of participation, letters of thanks. Organisers see all of their
    contests'; everyone else only their own (their library's, or their letter as a juror)."""

    serializer_class = DocumentSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["contest", "kind"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Diploma.objects.none()
        return selectors.documents_visible_to(self.request.user).order_by("contest_id", "kind", "pk")

    def get_object(self) -> Diploma:
        return get_object_or_404(self.get_queryset(), pk=_valid_pk(self.kwargs.get("pk")))

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY, **SEEN})
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PDFRenderer],
        content_negotiation_class=FileNegotiation,
    )
    def pdf(self, request, pk=None):
        """The document as PDF, with its verification code and address printed on it."""
        document = self.get_object()
        response = HttpResponse(diplomas.pdf(document), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{document.kind}-{document.code}.pdf"'
        return response


@extend_schema_view(
    list=extend_schema(responses={200: IssueRunSerializer(many=True), 401: E}),
    retrieve=extend_schema(responses={200: IssueRunSerializer, **SEEN}),
)
class IssueRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Bulk issues of certificates of participation or letters of thanks of the contests the caller
    organises (after the announcement), with their progress: `done` of `total`, `state`."""

    serializer_class = IssueRunSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["contest", "kind", "state"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IssueRun.objects.none()
        return IssueRun.objects.filter(contest__in=contests_organised_by(self.request.user)).order_by("-pk")

    def get_object(self) -> IssueRun:
        return get_object_or_404(self.get_queryset(), pk=_valid_pk(self.kwargs.get("pk")))

    @extend_schema(
        request=IssueRunCreateSerializer,
        responses={202: IssueRunSerializer, 400: E, 401: E, 403: E, 409: E},
        description="Start issuing what the contest still owes of one kind (idempotent: holders "
        "who have theirs are skipped). 409 before the announcement or while a run of the kind is going.",
    )
    def create(self, request):
        payload = IssueRunCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contest = _visible_contest(request.user, payload.validated_data["contest"])
        if not request.user.has_perm("awards.issue_documents", contest):
            raise PermissionDenied(_("Only this contest's organisers may issue documents."))
        try:
            run = certificates.start_issue(contest, payload.validated_data["kind"], by=request.user)
        except TransitionRefused as refused:
            return conflict(refused, [], contest.state)
        run.refresh_from_db()
        return Response(IssueRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

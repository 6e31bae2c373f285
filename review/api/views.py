from dataclasses import asdict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import User
from applications.models import Application
from contests.models import ContestRole
from contests.selectors import contests_visible_to
from core.api import (
    ErrorSerializer,
    RulesPermission,
    TransitionActionsMixin,
    TransitionConflictSerializer,
    VersionedAPIMixin,
    refusal_response,
)
from core.api_files import file_action_kwargs, file_parameters, file_responses, requested_file_format
from core.exceptions import TransitionRefused
from core.steps import Refusal, fresh
from core.strict import refuse_any_field
from review import services
from review.api.serializers import (
    AssignmentReportSerializer,
    ConflictSerializer,
    ConsensusInputSerializer,
    JurorSerializer,
    JuryNoteInputSerializer,
    JuryNoteSerializer,
    ManualAssignmentSerializer,
    ProgressSerializer,
    RankingSerializer,
    ReviewListSerializer,
    ReviewSerializer,
    RoundSerializer,
    RoundShortlistSerializer,
    ScoreErrorsSerializer,
    ScoresInputSerializer,
    ShortlistInputSerializer,
    ShortlistRemoveInputSerializer,
)
from review.models import Conflict, Juror, Review, Round, Score
from review.selectors import (
    jury_notes,
    label_note_authors,
    notes_visible,
    progress_by_application,
    progress_by_juror,
    reviews_visible_to,
    rounds_organised_by,
    shortlist_entries,
)
from review.steps import REVIEW, ROUND


class ReviewPermission(RulesPermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)


class ReviewViewSet(
    VersionedAPIMixin,
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The juror's queue (their live reviews) and, for organisers, every review of their contests.
    A juror with a conflict of interest, or not assigned, gets 404."""

    serializer_class = ReviewSerializer
    permission_classes = [ReviewPermission]
    action_perms = {"retrieve": "review.view_review"}
    filterset_fields = ["round", "state", "application", "juror"]
    ordering_fields = ["round__due_at", "application__number", "submitted_at"]
    catalogue = REVIEW
    versioned_actions = ("scores",)  # If-Match on PUT/PATCH …/scores/

    def get_queryset(self):
        # A step (decline, submit…) finds the juror's review whatever its state, so the loser of
        # a race, or a repeated click, hears 409 with the state that won rather than 404.
        in_any_state = self.action in {step.name for step in REVIEW}
        reviews = reviews_visible_to(self.request.user, own_in_any_state=in_any_state).select_related(
            "round__contest", "juror__user", "application__nomination", "application__organisation"
        )
        if self.action == "list":
            return reviews.order_by("round__due_at", "application__number", "pk")
        return reviews.prefetch_related(
            Prefetch("scores", queryset=Score.objects.order_by("criterion__order", "criterion_id"))
        )

    def get_serializer_class(self):
        return ReviewListSerializer if self.action == "list" else ReviewSerializer

    def _own(self, review: Review, perm: str) -> None:
        if not self.request.user.has_perm(perm, review):
            raise PermissionDenied(_("You may not do this."))

    @extend_schema(
        request=ScoresInputSerializer, responses={200: ReviewSerializer, 400: ScoreErrorsSerializer}
    )
    @action(detail=True, methods=["put", "patch"])
    def scores(self, request, pk=None):
        """Save a draft (autosave): scores by criterion (null clears one) and the overall comment.
        A bad value refuses the whole request with errors by criterion id and saves nothing."""
        review = self.get_object()
        self._own(review, "review.score_review")
        payload = ScoresInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            services.save_scores(
                review,
                by=request.user,
                scores={row["criterion"]: row for row in data["scores"]},
                overall_comment=data.get("overall_comment"),
            )
        except DjangoValidationError as error:
            detail = (
                error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            )
            raise ValidationError({"scores": detail} if hasattr(error, "error_dict") else detail) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(
        methods=["GET"],
        responses={200: JuryNoteSerializer(many=True), 403: ErrorSerializer, 404: ErrorSerializer},
    )
    @extend_schema(
        methods=["POST"],
        request=JuryNoteInputSerializer,
        responses={201: JuryNoteSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, pk=None):
        """The jury's discussion of this application, once the juror has submitted their review."""
        review = self.get_object()
        organiser = request.user.has_perm("review.reopen_review", review)
        if not (organiser or notes_visible(review)):
            raise PermissionDenied(_("Submit your own review first; then you can join the discussion."))
        if request.method == "GET":
            notes = jury_notes(review.round, review.application, viewer=request.user)
            return Response(JuryNoteSerializer(notes, many=True).data)
        payload = JuryNoteInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        note = services.add_note(review.round, review.application, by=request.user, **payload.validated_data)
        label_note_authors(review.round, [note], request.user)
        return Response(JuryNoteSerializer(note).data, status=status.HTTP_201_CREATED)


class RoundPermission(RulesPermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)


ROUND_FILTERS = [
    OpenApiParameter("method", str, enum=list(Round.Method.values), description="Ranking method."),
    OpenApiParameter("nomination", int, description="Only this nomination."),
    OpenApiParameter("page", int, description="Page of 50 rows (default 1)."),
]


EXPORT_FORMATS = ("csv", "xlsx")  # GET …/scores-export/

# What the round's operations answer besides success: 400 bad input (field errors), 403 not the
# contest's organiser, 404 a round (or application, juror) outside the caller's scope.
ROUND_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
ROUND_READ_ERRORS = {403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    create=extend_schema(responses={201: RoundSerializer, 400: ErrorSerializer, 403: ErrorSerializer}),
    partial_update=extend_schema(responses={200: RoundSerializer, **ROUND_ERRORS}),
    retrieve=extend_schema(responses={200: RoundSerializer, 404: ErrorSerializer}),
)
class RoundViewSet(
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Review rounds of the contests the caller organises: settings, assignment, progress,
    ranking and the export of scores."""

    serializer_class = RoundSerializer
    permission_classes = [RoundPermission]
    action_perms = {"partial_update": "review.manage_round", "update": "review.manage_round"}
    filterset_fields = ["contest", "state"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    catalogue = ROUND

    def get_queryset(self):
        return rounds_organised_by(self.request.user).select_related("contest").prefetch_related("criteria")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contest = data.pop("contest")
        if not self.request.user.has_perm("contests.change_contest", contest):
            raise PermissionDenied(_("Only this contest's organisers may plan review rounds."))
        serializer.instance = services.create_round(contest, by=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = services.update_round(
            serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def _round(self) -> Round:
        round_ = self.get_object()
        if not self.request.user.has_perm("review.manage_round", round_):
            raise PermissionDenied(_("You may not do this."))
        return round_

    @extend_schema(
        request=None,
        responses={
            200: AssignmentReportSerializer,
            400: ErrorSerializer,
            **ROUND_READ_ERRORS,
            409: ErrorSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Automatic assignment: fill every missing slot optimally (conflicts excluded, loads
        balanced, regions spread, expertise preferred); existing assignments stay."""
        round_ = self._round()
        refuse_any_field(request.data)
        if round_.state == Round.State.CLOSED:
            return Response({"detail": _("This round is closed.")}, status=status.HTTP_409_CONFLICT)
        report = services.auto_assign_and_notify(round_, by=request.user)
        return Response(AssignmentReportSerializer(asdict(report)).data)

    @extend_schema(
        request=ManualAssignmentSerializer,
        responses={
            201: ReviewListSerializer(many=True),
            **ROUND_ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="Refused, with the reasons in `reasons`."),
        },
    )
    @action(detail=True, methods=["post"], url_path="assign-manually")
    def assign_manually(self, request, pk=None):
        """One juror to several applications, or one application to several jurors."""
        round_ = self._round()
        payload = ManualAssignmentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        jurors = Juror.objects.filter(contest=round_.contest).select_related("user")
        applications = Application.objects.filter(contest=round_.contest)
        if data.get("juror") is not None:
            juror = get_object_or_404(jurors, pk=data["juror"])
            chosen = list(applications.filter(pk__in=data["applications"]))
            missing = set(data["applications"]) - {a.pk for a in chosen}
            pairs = [(juror, application) for application in chosen]
        else:
            application = get_object_or_404(applications, pk=data["application"])
            chosen = list(jurors.filter(pk__in=data["jurors"]))
            missing = set(data["jurors"]) - {j.pk for j in chosen}
            pairs = [(juror, application) for juror in chosen]
        if missing:
            raise ValidationError({"non_field_errors": [_("Some of these are not in this contest.")]})
        try:
            made = services.assign(round_, pairs, by=request.user)
        except TransitionRefused as refused:
            return Response(
                {"detail": _("This step was refused."), "reasons": refused.reasons},
                status=status.HTTP_409_CONFLICT,
            )
        made = Review.objects.filter(pk__in=[r.pk for r in made]).select_related(
            "round__contest", "application__nomination"
        )
        return Response(ReviewListSerializer(made, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ProgressSerializer, **ROUND_READ_ERRORS})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Reviews done per juror and per application."""
        round_ = self._round()
        return Response(
            ProgressSerializer(
                {"jurors": progress_by_juror(round_), "applications": progress_by_application(round_)}
            ).data
        )

    @extend_schema(parameters=ROUND_FILTERS, responses={200: RankingSerializer, **ROUND_ERRORS})
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        """The ranking: raw and calibrated scores side by side, reviews and their spread, the
        round's inter-rater agreement, contested flags; 50 rows a page. Each row's score and
        position intervals (90 %) and chance of being among the winners, by resampling the reviews
        (`uncertainty`: above 500 applications computed by a task, `computing` until ready)."""
        from review import uncertainty
        from review.ranking import ranking_page

        round_ = self._round()
        method = request.query_params.get("method") or None
        if method is not None and method not in Round.Method.values:
            raise ValidationError({"method": [_("Choose one of: %s.") % ", ".join(Round.Method.values)]})
        nomination = request.query_params.get("nomination") or None
        page = request.query_params.get("page") or "1"
        if (nomination is not None and not nomination.isdigit()) or not page.isdigit():
            raise ValidationError({"non_field_errors": [_("Page and nomination are whole numbers.")]})
        ranking, rows = ranking_page(
            round_, method=method, nomination_id=int(nomination) if nomination else None, page=int(page)
        )
        figures = uncertainty.for_round(round_, ranking.method)
        estimates = uncertainty.page_estimates(figures, (row for row, _application in rows))
        return Response(
            {
                "method": ranking.method,
                "parameters": ranking.parameters,
                "scale": list(ranking.scale),
                "agreement": ranking.agreement,
                "reviews": ranking.reviews,
                "count": len(ranking.rows),
                "uncertainty": uncertainty.summary(figures),
                "rows": [
                    {
                        **row._asdict(),
                        "number": application.number,
                        "title": application.title,
                        "organisation": application.organisation.name,
                        "nomination": application.nomination.title,
                        **uncertainty.row_fields(estimates.get(row.application_id)),
                    }
                    for row, application in rows
                ],
            }
        )

    @extend_schema(
        parameters=file_parameters(*EXPORT_FORMATS),
        responses={
            **file_responses(*EXPORT_FORMATS),
            400: OpenApiResponse(ErrorSerializer, description="Not csv or xlsx."),
            403: OpenApiResponse(ErrorSerializer, description="Not allowed to manage this round."),
            404: OpenApiResponse(ErrorSerializer, description="Not a round the caller organises."),
        },
    )
    @action(detail=True, methods=["get"], url_path="scores-export", **file_action_kwargs(*EXPORT_FORMATS))
    def scores_export(self, request, pk=None):
        """Every submitted review with its scores by criterion, as CSV (the default) or XLSX:
        `?file=csv|xlsx`, `?format=csv|xlsx`, or the Accept header (core.api_files)."""
        from review.exports import scores_csv_response, scores_xlsx_response

        round_ = self._round()
        kind = requested_file_format(request, EXPORT_FORMATS)
        return scores_xlsx_response(round_) if kind == "xlsx" else scores_csv_response(round_)

    @extend_schema(request=ConsensusInputSerializer, responses={200: JuryNoteSerializer, **ROUND_ERRORS})
    @action(detail=True, methods=["post"])
    def consensus(self, request, pk=None):
        """The organiser's consensus note on an application (one per round, edited in place)."""
        round_ = self._round()
        payload = ConsensusInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        application = get_object_or_404(
            Application.objects.filter(contest=round_.contest), pk=payload.validated_data["application"]
        )
        note = services.set_consensus(
            round_, application, by=request.user, text=payload.validated_data["text"]
        )
        label_note_authors(round_, [note], request.user)
        return Response(JuryNoteSerializer(note).data)

    # --- the shortlist (the applications this round reviews) -------------------------------------

    def _shortlist_response(self, round_: Round, *, added=(), told=None) -> Response:
        round_ = Round.objects.get(pk=round_.pk)
        entries = list(shortlist_entries(round_))
        data = {
            "round": round_,
            "may_change": not round_.shortlist_problems(),
            "entries": [e for e in entries if e.removed_at is None],
            "removed": [e for e in entries if e.removed_at is not None],
            "added": [e.application_id for e in added],
            "told": told,
        }
        return Response(RoundShortlistSerializer(data).data)

    def _shortlist_refused(self, round_: Round, refused: TransitionRefused) -> Response:
        stored = fresh(round_)
        return refusal_response(
            Refusal(
                "conflict",
                _("The shortlist cannot change now."),
                reasons=refused.reasons,
                state=stored.state,
                allowed=ROUND.allowed_names(stored, self.request.user),
            )
        )

    @extend_schema(
        methods=["GET"], responses={200: RoundShortlistSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
    )
    @extend_schema(
        methods=["POST"],
        request=ShortlistInputSerializer,
        responses={
            200: RoundShortlistSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: TransitionConflictSerializer,
        },
    )
    @action(detail=True, methods=["get", "post"])
    def shortlist(self, request, pk=None):
        """GET: the applications this round reviews, each with who put it there and why, and those
        taken off. POST: add the top N per nomination of an earlier round's ranking
        (`source_round`, `top_per_nomination`) or applications picked by hand (`applications`,
        `reason`). Only while the round is planned and its shortlist not confirmed (else 409)."""
        round_ = self._round()
        if request.method == "GET":
            return self._shortlist_response(round_)
        payload = ShortlistInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        rounds = Round.objects.filter(contest_id=round_.contest_id)
        source = None
        if data.get("source_round") is not None:
            source = rounds.filter(pk=data["source_round"]).first()
            if source is None:
                raise ValidationError({"source_round": [_("Choose an earlier round of the same contest.")]})
        try:
            if data.get("top_per_nomination") is not None:
                added = services.shortlist_top(
                    round_, source=source, per_nomination=data["top_per_nomination"], by=request.user
                )
            else:
                chosen = list(
                    Application.objects.filter(contest_id=round_.contest_id, pk__in=data["applications"])
                )
                if set(data["applications"]) - {a.pk for a in chosen}:
                    raise ValidationError({"applications": [_("Some of these are not in this contest.")]})
                added = services.shortlist_pick(
                    round_, chosen, reason=data["reason"], by=request.user, source=source
                )
        except TransitionRefused as refused:
            return self._shortlist_refused(round_, refused)
        return self._shortlist_response(round_, added=added)

    @extend_schema(
        request=ShortlistRemoveInputSerializer,
        responses={
            200: RoundShortlistSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: TransitionConflictSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path="shortlist/remove")
    def shortlist_remove(self, request, pk=None):
        """Take one application off the shortlist, with the reason (kept on record)."""
        round_ = self._round()
        payload = ShortlistRemoveInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        application = get_object_or_404(
            Application.objects.filter(contest_id=round_.contest_id), pk=payload.validated_data["application"]
        )
        try:
            services.shortlist_remove(
                round_, application, reason=payload.validated_data["reason"], by=request.user
            )
        except TransitionRefused as refused:
            return self._shortlist_refused(round_, refused)
        return self._shortlist_response(round_)

    @extend_schema(
        request=None,
        responses={
            200: RoundShortlistSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: TransitionConflictSerializer,
        },
    )
    @action(detail=True, methods=["post"], url_path="shortlist/confirm")
    def shortlist_confirm(self, request, pk=None):
        """Confirm the shortlist: it stays as it is, and the applicants left off it are told
        (once; opening the round does the same for a shortlist not confirmed yet)."""
        round_ = self._round()
        refuse_any_field(request.data)
        try:
            told = services.confirm_shortlist(round_, by=request.user)
        except TransitionRefused as refused:
            return self._shortlist_refused(round_, refused)
        return self._shortlist_response(round_, told=told)


class JurorViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The jury of the contests the caller organises: seat a person (by e-mail) with their
    nominations, expertise and region; remove a juror who has no reviews."""

    serializer_class = JurorSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["contest"]
    queryset = Juror.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        organised = ContestRole.objects.filter(user=self.request.user, role=ContestRole.Role.ORGANISER)
        return (
            Juror.objects.filter(contest__in=organised.values("contest"))
            .select_related("user")
            .prefetch_related("nominations", "expertise")
            .order_by("contest", "pk")
        )

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "contest" in getattr(serializer, "fields", {}):
            serializer.fields["contest"].queryset = contests_visible_to(self.request.user)
        return serializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contest = data.pop("contest")
        if not self.request.user.has_perm("contests.change_contest", contest):
            raise PermissionDenied(_("Only this contest's organisers may seat jurors."))
        user = User.objects.get(email__iexact=data.pop("user")["email"])
        serializer.instance = services.add_juror(contest, user=user, by=self.request.user, **data)

    def perform_destroy(self, instance):
        services.remove_juror(instance, by=self.request.user)


class ConflictViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Conflicts of interest in the contests the caller organises: automatic, declared, recused.
    Recuse a juror through `POST /reviews/{id}/recuse/`."""

    serializer_class = ConflictSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["juror", "application", "kind"]
    queryset = Conflict.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        organised = ContestRole.objects.filter(user=self.request.user, role=ContestRole.Role.ORGANISER)
        contest = self.request.query_params.get("contest")
        conflicts = Conflict.objects.filter(juror__contest__in=organised.values("contest"))
        if contest and contest.isdigit():
            conflicts = conflicts.filter(juror__contest_id=int(contest))
        return conflicts.select_related("juror__user", "application").order_by("pk")

"""Which juror reviews which entry, through the API: GET /api/v1/review-assignments/.

Each row is one review (an assignment of an application to a juror in a round), in any state,
declined ones included. Organisers see every assignment of the contests they organise; a juror
sees their own. Filtered by contest, round, juror, application, nomination and state; paginated
as every list. The web page showing the same is the organiser's progress board of a round."""

from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from review.models import Review
from review.selectors import assignments_visible_to


class ReviewAssignmentSerializer(serializers.ModelSerializer):
    """One assignment: the round, the juror, the application and the state of the review."""

    contest = serializers.IntegerField(source="round.contest_id", read_only=True)
    round_number = serializers.IntegerField(source="round.number", read_only=True)
    round_title = serializers.CharField(source="round.title", read_only=True)
    juror_name = serializers.CharField(source="juror.user.display_name", read_only=True)
    juror_email = serializers.EmailField(source="juror.user.email", read_only=True)
    application_number = serializers.CharField(source="application.number", read_only=True)
    application_title = serializers.CharField(source="application.title", read_only=True)
    nomination = serializers.IntegerField(source="application.nomination_id", read_only=True)
    nomination_title = serializers.CharField(source="application.nomination.title", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    assigned_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "contest",
            "round",
            "round_number",
            "round_title",
            "juror",
            "juror_name",
            "juror_email",
            "application",
            "application_number",
            "application_title",
            "nomination",
            "nomination_title",
            "state",
            "state_display",
            "assigned_at",
            "submitted_at",
        ]
        read_only_fields = fields


class AssignmentFilter(filters.FilterSet):
    contest = filters.NumberFilter(field_name="round__contest", help_text="Only this contest.")
    nomination = filters.NumberFilter(field_name="application__nomination", help_text="Only this nomination.")
    state = filters.MultipleChoiceFilter(choices=Review.State.choices, help_text="Reviews in these states.")

    class Meta:
        model = Review
        fields = ["contest", "round", "juror", "application", "nomination", "state"]


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Which juror reviews which application, in which round, and how far: for the organisers of
    the contest every assignment (declined ones too), for a juror their own. Anyone else gets an
    empty list (and 404 for one assignment). The review itself: /api/v1/reviews/{id}/."""

    serializer_class = ReviewAssignmentSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = AssignmentFilter
    ordering_fields = ["round__number", "application__number", "juror__user__full_name", "created_at"]
    queryset = Review.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (
            assignments_visible_to(self.request.user)
            .select_related("round", "juror__user", "application__nomination")
            .order_by(
                "round__contest_id", "round__number", "application__number", "juror__user__full_name", "pk"
            )
        )

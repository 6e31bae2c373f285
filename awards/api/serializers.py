from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.models import AwardSettings, Decision
from awards.selectors import winners_by_nomination
from contests.models import Contest
from core.strict import RefuseUnknownFieldsMixin


class DecisionSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    application_number = serializers.CharField(source="application.number", read_only=True)
    application_title = serializers.CharField(source="application.title", read_only=True)
    organisation = serializers.CharField(source="application.organisation.name", read_only=True)
    proposed_by = serializers.CharField(source="proposed_by.display_name", read_only=True, default=None)
    approved_by = serializers.CharField(source="approved_by.display_name", read_only=True, default=None)

    class Meta:
        model = Decision
        fields = [
            "id",
            "contest",
            "nomination",
            "application",
            "application_number",
            "application_title",
            "organisation",
            "state",
            "state_display",
            "rank_position",
            "reason",
            "citation",
            "place",
            "proposed_by",
            "approved_by",
            "approved_at",
            "created_at",
        ]
        read_only_fields = [f for f in fields if f != "citation"]


class ProposeSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    application = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    citation = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AwardSettingsSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = AwardSettings
        fields = ["release_comments", "signatory_name", "signatory_title"]


class NominationPlacesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    max_winners = serializers.IntegerField()
    taken = serializers.IntegerField()


class AwardContestSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    taken = serializers.SerializerMethodField()
    nominations = serializers.SerializerMethodField()

    class Meta:
        model = Contest
        fields = ["id", "title", "state", "state_display", "max_winners", "taken", "nominations"]

    def _live(self, contest: Contest) -> list[Decision]:
        return [d for d in contest.award_decisions.all() if d.is_live]

    def get_taken(self, contest: Contest) -> int:
        return len(self._live(contest))

    @extend_schema_field(NominationPlacesSerializer(many=True))
    def get_nominations(self, contest: Contest) -> list[dict]:
        live = self._live(contest)
        return [
            {
                "id": n.pk,
                "title": n.title,
                "max_winners": n.max_winners,
                "taken": sum(1 for d in live if d.nomination_id == n.pk),
            }
            for n in contest.nominations.all()
        ]


class CandidateSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application.pk")
    number = serializers.CharField(source="application.number")
    title = serializers.CharField(source="application.title")
    organisation = serializers.CharField(source="application.organisation.name")
    nomination = serializers.IntegerField(source="row.nomination_id")
    position = serializers.IntegerField(source="row.position")
    position_in_nomination = serializers.IntegerField(source="row.position_in_nomination")
    score = serializers.FloatField(source="row.score", allow_null=True)
    reviews = serializers.IntegerField(source="row.reviews")
    decision = serializers.IntegerField(source="decision.pk", allow_null=True, default=None)
    decision_state = serializers.CharField(source="decision.state", allow_null=True, default=None)
    out_of_order = serializers.BooleanField(help_text="Choosing it passes over a higher-ranked application.")


class WinnerSerializer(serializers.Serializer):
    place = serializers.IntegerField()
    organisation = serializers.CharField(source="application.organisation.name")
    title = serializers.CharField(source="application.title")
    number = serializers.CharField(source="application.number")
    citation = serializers.CharField()


class NominationResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    winners = WinnerSerializer(many=True)


class ResultsSerializer(serializers.ModelSerializer):
    nominations = serializers.SerializerMethodField()
    sha256 = serializers.CharField(
        source="published_results.sha256", read_only=True, default=None, allow_null=True
    )
    score_matrix = serializers.SerializerMethodField()

    class Meta:
        model = Contest
        fields = ["id", "title", "state", "nominations", "sha256", "score_matrix"]

    @extend_schema_field(NominationResultSerializer(many=True))
    def get_nominations(self, contest: Contest) -> list[dict]:
        return [
            {"id": n.pk, "title": n.title, "winners": WinnerSerializer(winners, many=True).data}
            for n, winners in winners_by_nomination(contest)
        ]

    def get_score_matrix(self, contest: Contest) -> str | None:
        if getattr(contest, "published_results", None) is None:
            return None
        url = reverse("awards:results_file", args=[contest.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import User
from accounts.regions import Region
from applications.answers import display_answer
from contests.models import Category, Criterion, Nomination
from core.api import AllowedStepsField
from core.strict import RefuseUnknownFieldsMixin
from review.models import Conflict, Juror, JuryNote, Review, Round, Score, ShortlistEntry
from review.selectors import (
    jury_notes,
    notes_visible,
    peer_reviews,
    round_criteria,
    shown_questions,
    shows_applicant,
)


class CriterionScaleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "title", "description", "weight", "scale_min", "scale_max"]


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = ["criterion", "value", "comment", "updated_at"]


class ScoreInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    criterion = serializers.IntegerField()
    value = serializers.JSONField(allow_null=True, help_text="A whole number within the scale, or null.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ScoresInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    scores = ScoreInputSerializer(many=True, required=False, default=list)
    overall_comment = serializers.CharField(required=False, allow_blank=True, max_length=20000)


class ScoreErrorsSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ReviewListSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    contest = serializers.IntegerField(source="round.contest_id", read_only=True)
    contest_title = serializers.CharField(source="round.contest.title", read_only=True)
    round_title = serializers.CharField(source="round.title", read_only=True)
    due_at = serializers.DateTimeField(source="round.due_at", read_only=True)
    application_number = serializers.CharField(source="application.number", read_only=True)
    application_title = serializers.CharField(source="application.title", read_only=True)
    nomination_title = serializers.CharField(source="application.nomination.title", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "round",
            "round_title",
            "contest",
            "contest_title",
            "due_at",
            "application",
            "application_number",
            "application_title",
            "nomination_title",
            "state",
            "state_display",
            "submitted_at",
        ]


class PeerReviewSerializer(serializers.Serializer):
    juror = serializers.CharField(source="label")
    overall_comment = serializers.CharField()
    scores = ScoreSerializer(many=True)


class JuryNoteSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = JuryNote
        fields = ["id", "text", "consensus", "author_name", "created_at"]
        read_only_fields = ["consensus", "author_name", "created_at"]

    def get_author_name(self, note: JuryNote) -> str:
        # Set by review.selectors.label_note_authors for the caller: "Juror 2" between jurors.
        return str(note.author_label)


class ReviewSerializer(ReviewListSerializer):
    """What the juror (or the organiser) sees of one review. In blind review the organisation and
    the identifying questions are not in the payload at all."""

    organisation_name = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    scores = ScoreSerializer(many=True, read_only=True)
    peers = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    allowed_transitions = AllowedStepsField()  # REVIEW / ROUND (review.steps), whatever the view

    class Meta(ReviewListSerializer.Meta):
        fields = [
            *ReviewListSerializer.Meta.fields,
            "organisation_name",
            "answers",
            "criteria",
            "scores",
            "overall_comment",
            "decline_reason",
            "peers",
            "notes",
            "allowed_transitions",
            "version",
        ]

    def _is_organiser(self, review: Review) -> bool:
        request = self.context.get("request")
        return request is not None and request.user.has_perm("review.reopen_review", review)

    def get_organisation_name(self, review: Review) -> str | None:
        if shows_applicant(review) or self._is_organiser(review):
            return review.application.organisation.name
        return None

    def get_answers(self, review: Review) -> list[dict]:
        return [
            {"key": q.key, "label": q.label, "value": display_answer(value)}
            for q, value in shown_questions(review)
        ]

    def get_criteria(self, review: Review) -> list[dict]:
        criteria = round_criteria(review.round, review.application.nomination_id)
        return CriterionScaleSerializer(criteria, many=True).data

    def get_peers(self, review: Review) -> list[dict]:
        return PeerReviewSerializer(peer_reviews(review), many=True).data

    def get_notes(self, review: Review) -> list[dict]:
        if not (notes_visible(review) or self._is_organiser(review)):
            return []
        request = self.context.get("request")
        if request is None:  # who reads decides how authors are named: no reader, no notes
            return []
        return JuryNoteSerializer(
            jury_notes(review.round, review.application, viewer=request.user), many=True
        ).data


class JuryNoteInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    text = serializers.CharField(max_length=10000)


class ConsensusInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    application = serializers.IntegerField()
    text = serializers.CharField(max_length=10000, allow_blank=True)


class RoundSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    criteria = serializers.PrimaryKeyRelatedField(many=True, queryset=Criterion.objects.all(), required=False)
    allowed_transitions = AllowedStepsField()  # REVIEW / ROUND (review.steps), whatever the view

    class Meta:
        model = Round
        fields = [
            "id",
            "contest",
            "number",
            "title",
            "criteria",
            "reviewers_per_application",
            "min_load",
            "max_load",
            "spread_regions",
            "due_at",
            "score_visibility",
            "named_discussion",
            "require_overall_comment",
            "method",
            "trim_share",
            "state",
            "state_display",
            "shortlist_confirmed_at",
            "allowed_transitions",
        ]
        read_only_fields = ["number", "state", "shortlist_confirmed_at"]
        # services.create_round numbers the round under a lock (and the database keeps numbers
        # unique): DRF's (contest, number) check would test the default 1 and refuse every
        # round after the first.
        validators = []

    def validate(self, attrs: dict) -> dict:
        contest = attrs.get("contest") or getattr(self.instance, "contest", None)
        if self.instance is not None and "contest" in attrs and attrs["contest"] != self.instance.contest:
            raise serializers.ValidationError({"contest": _("A round cannot move to another contest.")})
        if contest is not None and any(c.contest_id != contest.pk for c in attrs.get("criteria", [])):
            raise serializers.ValidationError({"criteria": _("Choose criteria of this contest.")})
        low = attrs.get("min_load", getattr(self.instance, "min_load", None))
        high = attrs.get("max_load", getattr(self.instance, "max_load", None))
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"max_load": _("The maximum load cannot be below the minimum.")}
            )
        return attrs


class ManualAssignmentSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Either one juror and several applications, or one application and several jurors."""

    juror = serializers.IntegerField(required=False)
    applications = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    application = serializers.IntegerField(required=False)
    jurors = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)

    def validate(self, attrs: dict) -> dict:
        by_juror = attrs.get("juror") is not None and attrs["applications"]
        by_application = attrs.get("application") is not None and attrs["jurors"]
        if bool(by_juror) == bool(by_application):
            raise serializers.ValidationError(
                _("Give a juror with applications, or an application with jurors.")
            )
        return attrs


class AssignmentReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    unfilled = serializers.IntegerField()
    load_min = serializers.IntegerField()
    load_max = serializers.IntegerField()
    load_spread = serializers.IntegerField()
    affinity = serializers.IntegerField()
    affinity_bound = serializers.IntegerField()
    seconds = serializers.FloatField()


class JurorProgressSerializer(serializers.Serializer):
    juror = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="user.display_name")
    live = serializers.IntegerField()
    done = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())


class ApplicationProgressSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    title = serializers.CharField()
    assigned = serializers.IntegerField()
    submitted = serializers.IntegerField()
    declined = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    jurors = JurorProgressSerializer(many=True)
    applications = ApplicationProgressSerializer(many=True)


class JurorSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    nominations = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Nomination.objects.all(), required=False
    )
    expertise = serializers.PrimaryKeyRelatedField(many=True, queryset=Category.objects.all(), required=False)
    region = serializers.ChoiceField(choices=Region.choices, required=False, allow_blank=True, default="")

    class Meta:
        model = Juror
        fields = [
            "id",
            "contest",
            "email",
            "full_name",
            "nominations",
            "expertise",
            "region",
            "max_load",
            "chair",
        ]

    def validate_email(self, value: str) -> str:
        if not User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(
                _("Nobody with this e-mail address has an account yet. Ask them to sign up first.")
            )
        return value


class ConflictSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    juror_name = serializers.CharField(source="juror.user.display_name", read_only=True)
    application_number = serializers.CharField(source="application.number", read_only=True)

    class Meta:
        model = Conflict
        fields = [
            "id",
            "juror",
            "juror_name",
            "application",
            "application_number",
            "kind",
            "kind_display",
            "reason",
            "created_at",
        ]
        read_only_fields = ["kind", "created_at"]


class ShortlistEntrySerializer(serializers.ModelSerializer):
    application_number = serializers.CharField(source="application.number", read_only=True)
    application_title = serializers.CharField(source="application.title", read_only=True)
    organisation_name = serializers.CharField(source="application.organisation.name", read_only=True)
    nomination = serializers.IntegerField(source="application.nomination_id", read_only=True)
    nomination_title = serializers.CharField(source="application.nomination.title", read_only=True)
    added_by_name = serializers.SerializerMethodField()
    removed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ShortlistEntry
        fields = [
            "id",
            "application",
            "application_number",
            "application_title",
            "organisation_name",
            "nomination",
            "nomination_title",
            "source_round",
            "position",
            "reason",
            "added_by_name",
            "created_at",
            "removed_at",
            "removed_by_name",
            "removal_reason",
        ]
        read_only_fields = fields

    def get_added_by_name(self, entry: ShortlistEntry) -> str | None:
        return entry.added_by.display_name if entry.added_by else None

    def get_removed_by_name(self, entry: ShortlistEntry) -> str | None:
        return entry.removed_by.display_name if entry.removed_by else None


class RoundShortlistSerializer(serializers.Serializer):
    """A round's shortlist: the applications it reviews (none: every eligible one), each with
    who put it there and why, and the entries taken off (with who and why)."""

    round = serializers.IntegerField(source="round.pk")
    state = serializers.CharField(source="round.state")
    may_change = serializers.BooleanField(
        help_text="Whether the shortlist can still change (planned, not confirmed)."
    )
    confirmed_at = serializers.DateTimeField(source="round.shortlist_confirmed_at", allow_null=True)
    entries = ShortlistEntrySerializer(many=True)
    removed = ShortlistEntrySerializer(many=True)
    added = serializers.ListField(
        child=serializers.IntegerField(), help_text="Applications this request put on the shortlist."
    )
    told = serializers.IntegerField(
        allow_null=True, help_text="On confirmation: how many applications left off it were told."
    )


class ShortlistInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Either the top N per nomination of an earlier round's ranking, or applications picked by
    hand with a reason."""

    source_round = serializers.IntegerField(
        required=False, help_text="The earlier round whose ranking is used."
    )
    top_per_nomination = serializers.IntegerField(required=False, min_value=1, max_value=10000)
    applications = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=10000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate(self, attrs: dict) -> dict:
        by_rank = attrs.get("top_per_nomination") is not None
        by_hand = bool(attrs.get("applications"))
        if by_rank == by_hand:
            raise serializers.ValidationError(
                _("Give an earlier round with the top N per nomination, or applications with a reason.")
            )
        if by_rank and attrs.get("source_round") is None:
            raise serializers.ValidationError({"source_round": _("Choose the round whose ranking is used.")})
        if by_hand and not attrs["reason"].strip():
            raise serializers.ValidationError({"reason": _("Give the reason.")})
        return attrs


class ShortlistRemoveInputSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    application = serializers.IntegerField()
    reason = serializers.CharField(max_length=2000)


class RankingUncertaintySerializer(serializers.Serializer):
    """How sure the ranking is (review.uncertainty): the bootstrap's settings, or its progress."""

    state = serializers.ChoiceField(
        choices=["ready", "computing"],
        help_text="`computing`: a large round's figures are being computed by a task; ask again.",
    )
    done = serializers.IntegerField(help_text="Replicates computed so far (while computing).")
    total = serializers.IntegerField(help_text="Replicates in all.")
    seed = serializers.IntegerField(
        allow_null=True, help_text="The random seed (from the round's fingerprint)."
    )
    level = serializers.FloatField(help_text="The coverage of the intervals (0.9).")
    fragile_nominations = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Nominations whose winner set is not robust (a close chance at the cut-off).",
    )


class RankingRowSerializer(serializers.Serializer):
    application_id = serializers.IntegerField()
    nomination_id = serializers.IntegerField()
    position = serializers.IntegerField()
    position_in_nomination = serializers.IntegerField()
    reviews = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    trimmed = serializers.FloatField(allow_null=True)
    calibrated = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(allow_null=True, help_text="The round's method's score.")
    spread = serializers.FloatField(allow_null=True)
    low = serializers.FloatField(allow_null=True)
    high = serializers.FloatField(allow_null=True)
    contested = serializers.BooleanField()
    number = serializers.CharField()
    title = serializers.CharField()
    organisation = serializers.CharField()
    nomination = serializers.CharField()
    score_low = serializers.FloatField(allow_null=True, help_text="The score's 90% interval, low end.")
    score_high = serializers.FloatField(allow_null=True, help_text="The score's 90% interval, high end.")
    rank_low = serializers.IntegerField(allow_null=True, help_text="The position's 90% interval, best.")
    rank_high = serializers.IntegerField(allow_null=True, help_text="The position's 90% interval, worst.")
    probability = serializers.FloatField(
        allow_null=True, help_text="The chance of being among the winners (null while computing)."
    )
    verdict = serializers.CharField(
        allow_null=True, help_text="In words: likely winner (≥ 0.9), could go either way, unlikely (≤ 0.1)."
    )
    cutoff = serializers.BooleanField(
        help_text="Last winner or first non-winner of its nomination with an undecided chance."
    )


class RankingSerializer(serializers.Serializer):
    method = serializers.CharField()
    parameters = serializers.DictField()
    scale = serializers.ListField(child=serializers.FloatField())
    agreement = serializers.FloatField(allow_null=True)
    reviews = serializers.IntegerField()
    count = serializers.IntegerField()
    uncertainty = RankingUncertaintySerializer()
    rows = RankingRowSerializer(many=True)

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.models import User
from contests.models import Category, Classifier, Contest, ContestRole, Criterion, FormField, Nomination
from core.api import AllowedStepsField
from core.files import EXTENSIONS


class NominationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Nomination
        fields = ["id", "contest", "title", "description", "max_winners", "order", "version"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = [
            "id",
            "contest",
            "nomination",
            "title",
            "description",
            "weight",
            "scale_min",
            "scale_max",
            "order",
            "version",
        ]


class FormFieldSerializer(serializers.ModelSerializer):
    choices = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    file_types = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EXTENSIONS)),
        required=False,
        help_text=FormField._meta.get_field("file_types").help_text,
    )

    class Meta:
        model = FormField
        fields = [
            "id",
            "contest",
            "nomination",
            "key",
            "label",
            "help_text",
            "field_type",
            "required",
            "max_length",
            "choices",
            "identifying",
            "file_types",
            "max_file_mb",
            "order",
            "version",
        ]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "title", "parent", "order"]


class ClassifierSerializer(serializers.ModelSerializer):
    categories = CategorySerializer(many=True, read_only=True)

    class Meta:
        model = Classifier
        fields = ["id", "title", "description", "categories"]


class ContestListSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Contest
        fields = [
            "id",
            "title",
            "summary",
            "state",
            "state_display",
            "opens_at",
            "closes_at",
            "grace_minutes",
            "review_ends_at",
            "announce_at",
            "time_zone",
            "max_winners",
            "grant_budget",
            "currency",
            "max_upload_mb",
            "blind_review",
            "conflict_same_region",
            "tie_break_criterion",
        ]


class ContestSerializer(ContestListSerializer):
    """A contest with its nominations, criteria and form; parts are edited at their own endpoints."""

    nominations = NominationSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    form_fields = FormFieldSerializer(many=True, read_only=True)
    classifiers = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Classifier.objects.all(), required=False
    )
    allowed_transitions = AllowedStepsField()

    class Meta(ContestListSerializer.Meta):
        fields = [
            *ContestListSerializer.Meta.fields,
            "regulations",
            "conditions",
            "classifiers",
            "published_at",
            "nominations",
            "criteria",
            "form_fields",
            "allowed_transitions",
            "version",
        ]
        read_only_fields = ["state", "published_at"]

    def validate(self, attrs: dict) -> dict:
        # Same rules as Contest.clean, reported on the field the user must fix.
        merged = {f: attrs.get(f, getattr(self.instance, f, None)) for f in ("opens_at", "closes_at")}
        if merged["opens_at"] and merged["closes_at"] and merged["opens_at"] >= merged["closes_at"]:
            raise serializers.ValidationError({"closes_at": _("The deadline must come after the opening.")})
        tie_break = attrs.get("tie_break_criterion")
        if tie_break is not None and (self.instance is None or tie_break.contest_id != self.instance.pk):
            raise serializers.ValidationError(
                {"tie_break_criterion": _("Choose a criterion of this contest.")}
            )
        return attrs


class ContestRoleSerializer(serializers.Serializer):
    """A role in a contest; granted by e-mail address of an existing user."""

    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    role = serializers.ChoiceField(choices=ContestRole.Role.choices)

    def validate_email(self, value: str) -> str:
        if not User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(
                _("Nobody with this e-mail address has an account yet. Ask them to sign up first.")
            )
        return value


class ContestCloneSerializer(serializers.Serializer):
    """Next year's draft from this contest."""

    title = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text=gettext_lazy("Leave out to move every year in the title on, or to mark the title a copy."),
    )
    shift_years = serializers.IntegerField(
        required=False,
        default=1,
        min_value=0,
        max_value=5,
        help_text=gettext_lazy("Every date of the contest moves on by this many years."),
    )
    include_jury = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "The jurors and grant officers of this contest get the same roles in the new one."
        ),
    )

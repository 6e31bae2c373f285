from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accounts.models import User
from contests.models import (
    MAX_REGULATIONS_BYTES,
    Category,
    Classifier,
    Contest,
    ContestRole,
    Criterion,
    FormField,
    Nomination,
)
from core.api import AllowedStepsField, RefuseUnknownFieldsMixin
from core.files import DOCUMENT_TYPES, EXTENSIONS, validate_upload


class NominationSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Nomination
        fields = ["id", "contest", "title", "description", "max_winners", "order", "version"]


class CriterionSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
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


class FormFieldSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
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
            "case_section",
            "order",
            "version",
        ]
        extra_kwargs = {"key": {"error_messages": {"invalid": FormField.KEY_INVALID}}}


class CategorySerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)

    class Meta:
        model = Category
        fields = ["id", "code", "title", "parent", "parent_code", "order"]


class CategoryWriteSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """One category as written: its parent named by `parent` (the code of another category in
    the same request) or by nesting it in that category's `children`."""

    code = serializers.CharField(max_length=20, help_text=Category._meta.get_field("code").help_text)
    title = serializers.CharField(max_length=300)
    order = serializers.IntegerField(min_value=0, required=False)
    parent = serializers.CharField(
        max_length=20,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text=gettext_lazy("The code of the parent category, in this request."),
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["children"] = CategoryWriteSerializer(many=True, required=False)
        return fields


def flatten_categories(rows: list[dict], parent: str | None = None) -> list[dict]:
    """Nested `children` into one list in reading order, each with `parent` as a code."""
    flat = []
    for position, row in enumerate(rows):
        children = row.get("children") or []
        flat.append(
            {
                "code": row["code"],
                "title": row["title"],
                "order": row.get("order", position),
                "parent": row.get("parent") or parent,
            }
        )
        flat += flatten_categories(children, row["code"])
    return flat


class ClassifierSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """A classifier with its whole tree of categories. Writing `categories` replaces the tree in
    one request: categories are matched by code (kept ones keep their id and everything filed
    under them), new codes are added and missing ones removed (refused while in use)."""

    categories = CategorySerializer(many=True, read_only=True)
    contests = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Classifier
        fields = ["id", "title", "description", "categories", "contests"]


class ClassifierWriteSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    categories = CategoryWriteSerializer(many=True, required=False)

    class Meta:
        model = Classifier
        fields = ["title", "description", "categories"]

    def validate_categories(self, rows: list[dict]) -> list[dict]:
        return flatten_categories(rows)


class ContestListSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Contest
        fields = [
            "id",
            "title",
            "summary",
            "state",
            "state_display",
            "edition_year",
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
    regulations_document = serializers.FileField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text=gettext_lazy(
            "PDF, DOCX or ODT, up to 20 MB, sent as multipart/form-data; null removes it. "
            "Read it back at regulations_url."
        ),
    )
    regulations_url = serializers.SerializerMethodField()
    allowed_transitions = AllowedStepsField()
    deadline_change_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=gettext_lazy(
            "Required with a new closes_at once the call is published: every organisation with a draft "
            "is told, with this reason, and the move is kept in the contest's history."
        ),
    )
    deadline_change_force = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text=gettext_lazy(
            "Bring a published deadline closer than the notice period (DEADLINE_NOTICE_DAYS, 7 days by "
            "default); a reason is still required."
        ),
    )

    class Meta(ContestListSerializer.Meta):
        fields = [
            *ContestListSerializer.Meta.fields,
            "regulations",
            "conditions",
            "regulations_document",
            "regulations_url",
            "classifiers",
            "published_at",
            "nominations",
            "criteria",
            "form_fields",
            "allowed_transitions",
            "version",
            "deadline_change_reason",
            "deadline_change_force",
        ]
        read_only_fields = ["state", "published_at"]

    def get_regulations_url(self, contest: Contest) -> str | None:
        """Where the regulations document is downloaded (the public page's link), or null."""
        if not contest.regulations_document:
            return None
        url = reverse("contests:regulations", args=[contest.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def validate_regulations_document(self, upload):
        """The type from the content, as the edit page checks it; the stored name is generated."""
        if upload is None:
            return ""
        try:
            kind = validate_upload(upload, DOCUMENT_TYPES, MAX_REGULATIONS_BYTES)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        upload.name = f"regulations.{kind}"
        return upload

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
        if self.instance is None:  # a new contest is a draft: its deadline moves freely
            attrs.pop("deadline_change_reason", None)
            attrs.pop("deadline_change_force", None)
        return attrs


class GrantBudgetChangeSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """The one setting of a contest that stays open after the announcement, until it is archived."""

    grant_budget = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class ContestRoleSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
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


class ContestCloneSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
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

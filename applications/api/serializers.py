from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation
from applications.models import (
    Application,
    Attachment,
    DownloadLog,
    IneligibilityReason,
    LateSubmissionCode,
    Revision,
)
from contests.models import Contest, Nomination
from core import clock
from core.strict import RefuseUnknownFieldsMixin


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "field_key",
            "original_name",
            "kind",
            "size",
            "sha256",
            "public",
            "created_at",
            "download_url",
        ]

    def to_representation(self, attachment: Attachment) -> dict:
        data = super().to_representation(attachment)
        reading = self.context.get("reading")  # a juror's share (applications.readers)
        if reading is not None:
            data["original_name"] = reading.name_of(attachment)
        return data

    def get_download_url(self, attachment: Attachment) -> str:
        path = reverse(
            "api:application-attachment-download",
            kwargs={"pk": attachment.application_id, "attachment_id": attachment.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DownloadLogSerializer(serializers.ModelSerializer):
    """One download of one of the application's private files: who, when, which, how."""

    user_name = serializers.SerializerMethodField()
    user_email = serializers.SerializerMethodField()
    via_display = serializers.CharField(source="get_via_display", read_only=True)

    class Meta:
        model = DownloadLog
        fields = [
            "id",
            "at",
            "attachment",
            "field_key",
            "file_name",
            "user",
            "user_name",
            "user_email",
            "via",
            "via_display",
        ]
        read_only_fields = fields

    def get_user_name(self, entry: DownloadLog) -> str:
        return entry.user.display_name if entry.user else ""

    def get_user_email(self, entry: DownloadLog) -> str:
        return entry.user.email if entry.user else ""


class ApplicationListSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    contest_title = serializers.CharField(source="contest.title", read_only=True)
    nomination_title = serializers.CharField(source="nomination.title", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "title",
            "state",
            "state_display",
            "organisation",
            "organisation_name",
            "contest",
            "contest_title",
            "nomination",
            "nomination_title",
            "submitted_at",
            "arrived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ApplicationSerializer(RefuseUnknownFieldsMixin, ApplicationListSerializer):
    """An application with its answers, files and the transitions the caller may run."""

    # Empty for an organiser reading a draft (applications.view_answers, issue 16).
    answers = serializers.SerializerMethodField(help_text=gettext_lazy("Answers by question key."))
    attachments = serializers.SerializerMethodField()
    # Declared so the schema allows the empty value it answers until screening finds a reason
    # (a read-only model field loses allow_blank, and generated clients refused "").
    ineligibility_reason = serializers.ChoiceField(
        choices=IneligibilityReason.choices,
        allow_blank=True,
        read_only=True,
        help_text=gettext_lazy("Why the application was found ineligible; empty otherwise."),
    )
    ineligibility_reason_display = serializers.CharField(
        source="get_ineligibility_reason_display", read_only=True
    )
    allowed_transitions = serializers.SerializerMethodField()
    correct_by = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy(
            "The correction deadline of the last return for correction: while returned, the "
            "application may be changed and resubmitted until then; `screening_note` says what to correct."
        ),
    )

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "categories",
            "answers",
            "attachments",
            "ineligibility_reason",
            "ineligibility_reason_display",
            "screening_note",
            "correct_by",
            "allowed_transitions",
            "version",
        ]
        read_only_fields = fields

    def to_representation(self, application: Application) -> dict:
        """The same body as the fields above would give (tests hold them equal), built by hand:
        a request that answers with one application (saving answers, every step) skips building
        and walking a serializer field by field. The declared fields stay the schema."""
        moment = _MOMENT.to_representation
        request = self.context.get("request")
        shown = self._shows_answers(application)  # a draft's answers are the applicant's alone
        files = []
        for a in application.attachments.all() if shown else ():
            path = reverse(
                "api:application-attachment-download", kwargs={"pk": a.application_id, "attachment_id": a.pk}
            )
            files.append(
                {
                    "id": a.pk,
                    "field_key": a.field_key,
                    "original_name": a.original_name,
                    "kind": a.kind,
                    "size": a.size,
                    "sha256": a.sha256,
                    "public": a.public,
                    "created_at": moment(a.created_at),
                    "download_url": request.build_absolute_uri(path) if request is not None else path,
                }
            )
        return {
            "id": application.pk,
            "number": application.number,
            "title": application.title,
            "state": str(application.state),
            "state_display": str(application.get_state_display()),
            "organisation": application.organisation_id,
            "organisation_name": application.organisation.name,
            "contest": application.contest_id,
            "contest_title": application.contest.title,
            "nomination": application.nomination_id,
            "nomination_title": application.nomination.title,
            "submitted_at": _moment_or_none(application.submitted_at),
            "arrived_at": _moment_or_none(application.arrived_at),
            "created_at": moment(application.created_at),
            "updated_at": moment(application.updated_at),
            "categories": [c.pk for c in application.categories.all()],
            "answers": application.answers if shown else {},
            "attachments": files,
            "ineligibility_reason": str(application.ineligibility_reason),
            "ineligibility_reason_display": str(application.get_ineligibility_reason_display()),
            "screening_note": application.screening_note,
            "correct_by": _moment_or_none(application.correct_by),
            "allowed_transitions": self.get_allowed_transitions(application),
            "version": application.version,
        }

    def _shows_answers(self, application: Application) -> bool:
        request = self.context.get("request")
        return request is not None and request.user.has_perm("applications.view_answers", application)

    @extend_schema_field(serializers.JSONField(help_text=gettext_lazy("Answers by question key.")))
    def get_answers(self, application: Application) -> dict:
        return application.answers if self._shows_answers(application) else {}

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, application: Application) -> list:
        if not self._shows_answers(application):
            return []
        return AttachmentSerializer(application.attachments.all(), many=True, context=self.context).data

    def get_allowed_transitions(self, application: Application) -> list[str]:
        view = self.context.get("view")
        request = self.context.get("request")
        if view is None or request is None or not hasattr(view, "allowed_transitions"):
            return []
        return view.allowed_transitions(application, request.user)


_MOMENT = serializers.DateTimeField()  # DRF's format of a moment, in the current time zone


def _moment_or_none(value):
    return None if value is None else _MOMENT.to_representation(value)


class ApplicationCreateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Start a draft: for an organisation the caller belongs to, in a contest open for applications."""

    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    contest = serializers.PrimaryKeyRelatedField(queryset=Contest.objects.none())
    nomination = serializers.PrimaryKeyRelatedField(queryset=Nomination.objects.all())
    title = serializers.CharField(max_length=300)

    def validate_organisation(self, organisation: Organisation) -> Organisation:
        user = self.context["request"].user
        if not organisation.memberships.filter(user=user).exists():
            raise serializers.ValidationError(_("You may apply only for an organisation you belong to."))
        return organisation


class ApplicationUpdateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """Change a draft: the title and any answers (given keys replace, empty values clear).

    Bad answers come back as 400 `{"answers": {"<question key>": ["message"]}}` and nothing is saved.
    """

    representation = ApplicationSerializer  # its other fields are accepted when unchanged

    title = serializers.CharField(max_length=300, required=False)
    answers = serializers.DictField(
        required=False, help_text=gettext_lazy("Answers by question key; an empty value clears the answer.")
    )
    categories = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=gettext_lazy("Ids of categories in the contest's classifiers; replaces the choice."),
    )


class AnswerErrorsSerializer(serializers.Serializer):
    """The shape of a 400 from saving answers."""

    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy("Messages by question key."),
    )
    title = serializers.ListField(child=serializers.CharField(), required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


class AttachmentUploadSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    field_key = serializers.CharField(max_length=60, help_text=gettext_lazy("The key of the file question."))
    file = serializers.FileField()
    public = serializers.BooleanField(required=False, default=False)


class RevisionSerializer(serializers.ModelSerializer):
    submitted_by = serializers.SerializerMethodField()
    answers = serializers.JSONField()
    attachments = serializers.JSONField(
        help_text=gettext_lazy("Question, file name, size and SHA-256 of each file.")
    )

    class Meta:
        model = Revision
        fields = [
            "number",
            "title",
            "nomination_title",
            "submitted_at",
            "submitted_by",
            "checksum",
            "answers",
            "attachments",
        ]
        read_only_fields = fields

    def get_submitted_by(self, revision: Revision) -> str | None:
        return revision.submitted_by.display_name if revision.submitted_by else None


class ChangeSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class DiffSerializer(serializers.Serializer):
    from_revision = serializers.IntegerField()
    to_revision = serializers.IntegerField()
    changes = ChangeSerializer(many=True)


class LateCodeSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    contest = serializers.PrimaryKeyRelatedField(queryset=Contest.objects.none())
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = LateSubmissionCode
        fields = [
            "id",
            "contest",
            "code",
            "expires_at",
            "max_uses",
            "uses",
            "note",
            "created_at",
            "created_by",
        ]
        read_only_fields = ["code", "uses", "created_at", "created_by"]
        extra_kwargs = {"expires_at": {"required": False}, "max_uses": {"required": False, "min_value": 1}}

    def get_created_by(self, code: LateSubmissionCode) -> str | None:
        return code.created_by.display_name if code.created_by else None

    def validate_expires_at(self, value):
        if value is not None and value <= clock.now():
            raise serializers.ValidationError(_("The code must stay valid until a moment in the future."))
        return value

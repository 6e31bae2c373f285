from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404  # a malformed id is 404, not 500
from rest_framework.parsers import FormParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from applications import services
from applications.api.filters import ApplicationFilter
from applications.api.serializers import (
    AnswerErrorsSerializer,
    ApplicationCreateSerializer,
    ApplicationListSerializer,
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DiffSerializer,
    DownloadLogSerializer,
    LateCodeSerializer,
    RevisionSerializer,
)
from applications.downloads import attachment_response
from applications.models import Application, Attachment, DownloadLog
from applications.readers import Reading, readable_by, reading_for
from applications.rules import is_applicant
from applications.selectors import (
    applications_visible_to,
    diff_revisions,
    late_codes_organised_by,
    locked_for_member,
    questions_for,
    revisions_of,
    visible_with_caller_roles,
)
from applications.steps import APPLICATION
from contests.selectors import contests_visible_to
from core.api import ErrorSerializer, RulesPermission, TransitionActionsMixin, VersionedAPIMixin
from core.paging import page_of
from core.parsing import MultiPartParser
from core.schema import pages_its_list

DOWNLOAD_LOG_PAGE = page_of(DownloadLogSerializer, "DownloadLogPageSerializer")
ATTACHMENT_ID = OpenApiParameter(
    "attachment_id", int, OpenApiParameter.PATH, description="The attachment's id."
)


# What only the applicant's members do: their scoped load is also the service's locked read
# (services.loaded_for_update). `submit` is also a step (run_step).
MEMBERS_ACTIONS = frozenset({"partial_update", "submit"})


class ApplicationPermission(RulesPermission):
    """Lists and creation need a signed-in caller; a single application outside the caller's
    scope answers 404 (its queryset is empty for anonymous callers)."""

    def has_permission(self, request, view) -> bool:
        if view.action in ("list", "create"):
            return bool(request.user and request.user.is_authenticated)
        return super().has_permission(request, view)


class ApplicationViewSet(
    VersionedAPIMixin,
    TransitionActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Applications of the caller's organisations, and those of the contests they organise.

    There is no DELETE: an applicant withdraws an application instead.
    """

    serializer_class = ApplicationSerializer
    permission_classes = [ApplicationPermission]
    filterset_class = ApplicationFilter
    search_fields = ["title", "number", "organisation__name"]
    ordering_fields = ["submitted_at", "created_at", "number", "title"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    catalogue = APPLICATION
    step_aliases = {"return": "return_for_correction"}  # the old name, kept for older clients

    def get_queryset(self):
        if self.action == "list":
            return applications_visible_to(self.request.user).select_related(
                "organisation", "contest", "nomination"
            )
        # One scoped load: the row, its files and categories, and the caller's roles on it (the
        # permission checks of the request and of the allowed steps answer from those, and they
        # scope it too). The members' own load for saving answers and the applicant's steps is
        # get_object's (locked_for_member); anyone else's for those is locked too, of the row only.
        applications = (
            visible_with_caller_roles(self.request.user)
            .select_related("organisation", "contest", "nomination")
            .prefetch_related(
                Prefetch("attachments", queryset=Attachment.objects.order_by("field_key", "pk")), "categories"
            )
        )
        locking = self.action in MEMBERS_ACTIONS
        return applications.select_for_update(of=("self",)) if locking else applications

    def _as_member(self) -> bool:
        return self.action in MEMBERS_ACTIONS and not getattr(self, "_not_a_member", False)

    def get_object(self):
        """For what only members do, their row, locked and marked as the service's locked read
        (one compiled load: every save of the form runs it); someone else finds it through the
        general scope (whose rules then refuse them: 403 when they may see it, its organisers
        and staff) or gets 404."""
        if self._as_member():
            application = locked_for_member(self.request.user, self.kwargs[self.lookup_url_kwarg or "pk"])
            if application is not None:
                self.check_object_permissions(self.request, application)
                return self.checked_version(services.loaded_for_update(application))
            self._not_a_member = True
        return super().get_object()

    def run_step(self, request, name):
        """An applicant's step runs in one transaction with its scoped, locked load (the service
        writes the row it was handed instead of reading it again); a refused step leaves nothing
        behind, as the service's own transaction would."""
        if name not in MEMBERS_ACTIONS:
            return super().run_step(request, name)
        with transaction.atomic():
            response = super().run_step(request, name)
            if response.status_code >= status.HTTP_400_BAD_REQUEST:
                transaction.set_rollback(True)
        return response

    def filter_queryset(self, queryset):
        # One application is found by its id: the list's filters, search and ordering (a filter
        # set built per request) do not apply to it.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return ApplicationListSerializer if self.action == "list" else ApplicationSerializer

    def _require_applicant(self, application) -> None:
        if not is_applicant(self.request.user, application):
            raise PermissionDenied(_("Only the applicant organisation's members may change the application."))

    def after_step(self, application, stored):
        """A step changes the application's row only, never its files, its categories or the
        caller's roles on it: answer with the row the service wrote (no re-read) and those."""
        fresh = stored
        if (fresh is application and not services.holds_lock(application)) or not {
            "organisation",
            "contest",
            "nomination",
        } <= fresh._state.fields_cache.keys():
            fresh = Application.objects.select_related("organisation", "contest", "nomination").get(
                pk=application.pk
            )
        fresh._prefetched_objects_cache = getattr(application, "_prefetched_objects_cache", {})
        for role in ("caller_pk", "caller_is_member", "caller_organises"):
            if hasattr(application, role):
                setattr(fresh, role, getattr(application, role))
        return fresh

    def _detail(self, application, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    @extend_schema(request=ApplicationCreateSerializer, responses={201: ApplicationSerializer})
    def create(self, request, *args, **kwargs):
        """Start a draft for one of the caller's organisations."""
        payload = ApplicationCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.fields["contest"].queryset = contests_visible_to(request.user)
        payload.is_valid(raise_exception=True)
        application = services.start_application(by=request.user, **payload.validated_data)
        return self._detail(application, status.HTTP_201_CREATED)

    @extend_schema(
        request=ApplicationUpdateSerializer,
        responses={200: ApplicationSerializer, 400: AnswerErrorsSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        """Save the title and answers of a draft (or of an application returned for correction).

        The same rule as the web form: every valid answer is saved; a 400 lists each refused
        answer (or the title, or the categories) with its message, and those keep their stored
        values. Send the refused ones again once corrected."""
        with transaction.atomic():  # the scoped load is the locked read of the save (get_queryset)
            application = self.get_object()
            self._require_applicant(application)
            payload = ApplicationUpdateSerializer(
                application, data=request.data, context=self.get_serializer_context()
            )
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
            try:
                refused = services.save_valid_answers(
                    application,
                    answers=data.get("answers", {}),
                    title=data.get("title"),
                    categories=data.get("categories"),
                    by=request.user,
                )
            except DjangoValidationError as error:
                raise ValidationError(_answer_errors(error)) from None
        if refused:  # the valid answers were saved, as on the page; say which ones were not
            raise ValidationError(_answer_errors(DjangoValidationError(refused)))
        # The service wrote the saved row back into `application`: answer from it, no re-read.
        return Response(self.get_serializer(application).data)

    # --- attachments --------------------------------------------------------------------------

    def _for_reading(self) -> tuple[Application, Reading]:
        """The application whose files the caller reads, and what they may read of them: all of
        them for its applicant and organisers; for a juror assigned to it (a live review in any
        round) those not withheld by blind review (applications.readers); 404 for anyone else."""
        try:
            application = self.get_object()
        except Http404:
            application = get_object_or_404(
                readable_by(self.request.user).select_related("contest"), pk=self.kwargs["pk"]
            )
        reading = reading_for(self.request.user, application)
        if reading is None:
            raise Http404
        return application, reading

    @extend_schema(
        methods=["GET"],
        responses={
            200: AttachmentSerializer(many=True),
            404: OpenApiResponse(
                ErrorSerializer,
                description="Not the caller's application, not of a contest they organise, and "
                "not assigned to them for review (or no longer: declined or recused).",
            ),
        },
        description="The files attached to this application: for its applicant and organisers "
        "all of them; for a juror assigned to it those they may read (in blind review, the "
        "files of questions marked identifying are withheld and the others named after their "
        "question).",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer,
            503: OpenApiResponse(
                ErrorSerializer, description="The file storage is down; nothing else was changed."
            ),
        },
        description="Attach (or replace) the file answering a file question. The type is read "
        "from the content; the stored name is generated.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        url_path="attachments",
        url_name="attachments",
    )
    def attachments(self, request, pk=None):
        if request.method == "GET":
            application, reading = self._for_reading()
            context = self.get_serializer_context()
            if reading.withheld or reading.neutral_names:
                context["reading"] = reading
            readable = _answers_readable(request.user, application)
            shown = [a for a in application.attachments.all() if readable and reading.shows(a)]
            return Response(AttachmentSerializer(shown, many=True, context=context).data)
        application = self.get_object()
        self._require_applicant(application)
        payload = AttachmentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            attachment = services.add_attachment(
                application,
                field_key=data["field_key"],
                upload=data["file"],
                public=data["public"],
                by=request.user,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise ValidationError(error.message_dict) from None
            key = "file" if application.is_editable else "non_field_errors"
            raise ValidationError({key: error.messages}) from None
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(parameters=[ATTACHMENT_ID], request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"attachments/(?P<attachment_id>\d+)",
        url_name="attachment",
    )
    def remove_attachment(self, request, pk=None, attachment_id=None):
        """Remove a file from a draft."""
        application = self.get_object()
        attachment = get_object_or_404(application.attachments, pk=attachment_id)
        self._require_applicant(application)
        try:
            services.remove_attachment(attachment, by=request.user)
        except DjangoValidationError as error:
            raise ValidationError({"non_field_errors": error.messages}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[ATTACHMENT_ID],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            302: OpenApiResponse(description="A short-lived presigned URL of the file in object storage."),
            404: OpenApiResponse(
                ErrorSerializer,
                description="No such file, or the caller may not read it (see the list of files).",
            ),
            503: OpenApiResponse(ErrorSerializer, description="The file storage is down; try again later."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>\d+)/download",
        url_name="attachment-download",
    )
    def download(self, request, pk=None, attachment_id=None):
        """The file itself, streamed or by redirect, only to those who may read it: the
        application's applicant and organisers, and the jurors assigned to it while their review
        is live (not a file withheld by blind review). Every download is logged."""
        application, reading = self._for_reading()
        attachment = get_object_or_404(application.attachments, pk=attachment_id)
        if not (reading.shows(attachment) and _answers_readable(request.user, application)):
            raise Http404
        return attachment_response(
            attachment,
            by=request.user,
            via=DownloadLog.Via.API,
            name=reading.name_of(attachment),
            request=request,
        )

    @extend_schema(
        responses={
            200: DOWNLOAD_LOG_PAGE,
            403: OpenApiResponse(ErrorSerializer, description="Only the contest's organisers read the log."),
            404: OpenApiResponse(ErrorSerializer, description="Not an application the caller may see."),
        },
    )
    @action(detail=True, methods=["get"], url_path="downloads", url_name="downloads")
    @pages_its_list
    def downloads(self, request, pk=None):
        """Who downloaded this application's private files, and when (newest first, paginated):
        for the contest's organisers."""
        application = self.get_object()
        if not request.user.has_perm("applications.screen_application", application):
            raise PermissionDenied(_("Only the contest's organisers may read who downloaded the files."))
        entries = DownloadLog.objects.filter(application=application).select_related("user")
        page = self.paginate_queryset(entries.order_by("-at", "-pk"))
        return self.get_paginated_response(DownloadLogSerializer(page, many=True).data)

    # --- revisions ----------------------------------------------------------------------------

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        """Every submitted version, frozen, with its checksum."""
        application = self.get_object()
        return Response(RevisionSerializer(revisions_of(application), many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description="The older revision's number."),
            OpenApiParameter("to", int, required=True, description="The newer revision's number."),
        ],
        responses=DiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """What changed between two revisions, question by question."""
        application = self.get_object()
        revisions = {r.number: r for r in revisions_of(application)}
        numbers = {}
        errors = {}
        for param in ("from", "to"):
            raw = request.query_params.get(param, "")
            number = int(raw) if raw.isdigit() else None
            if number not in revisions:
                errors[param] = [_("There is no revision with this number.")]
            numbers[param] = number
        if errors:
            raise ValidationError(errors)
        changes = diff_revisions(
            revisions[numbers["from"]], revisions[numbers["to"]], questions_for(application)
        )
        return Response(
            DiffSerializer(
                {"from_revision": numbers["from"], "to_revision": numbers["to"], "changes": changes}
            ).data
        )


def _answer_errors(error: DjangoValidationError) -> dict:
    """The service's `answers.<key>` errors reshaped as `{"answers": {"<key>": [...]}}`."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    shaped: dict = {}
    for field, messages in error.message_dict.items():
        if field.startswith("answers."):
            shaped.setdefault("answers", {})[field.removeprefix("answers.")] = messages
        elif field == "answers":
            shaped.setdefault("answers", {})["answers"] = messages
        else:
            shaped[field] = messages
    return shaped


class LateCodeViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Late-submission codes of the contests the caller organises: each lets a limited number of
    applications in after the deadline, until it expires."""

    serializer_class = LateCodeSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["contest"]

    def get_queryset(self):
        return (
            late_codes_organised_by(self.request.user)
            .select_related("created_by")
            .order_by("-created_at", "-pk")
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
            raise PermissionDenied(_("Only this contest's organisers may issue late-submission codes."))
        serializer.instance = services.issue_late_code(contest, by=self.request.user, **data)


def _answers_readable(user, application: Application) -> bool:
    """A draft's files are its applicant's alone (issue 16); a juror reads only submitted ones."""
    return application.submitted_at is not None or user.has_perm("applications.view_answers", application)

"""Base API pieces: transitions as POST actions, one error shape, history."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core import versioning
from core.api_version import deprecated
from core.files import STORAGE_RETRY_AFTER_SECONDS, STORAGE_UNAVAILABLE_MESSAGE, log_outage, storage_outage
from core.fsm import history
from core.problems import PROBLEM_CONTENT_TYPE, as_problem, problem
from core.schema import ConflictProblemSerializer, ProblemSerializer
from core.steps import Catalogue, Refusal, Step, catalogue_of, fresh
from core.strict import FORM_KEYS, RefuseUnknownFieldsMixin  # noqa: F401 (their old home)

# Old names of steps (step_aliases) are deprecated since this date and answered until the sunset.
STEP_ALIASES_SINCE = date(2026, 12, 6)
STEP_ALIASES_SUNSET = date(2027, 6, 6)

# The bodies of errors: problem details (core.problems); the old names kept for their importers.
TransitionConflictSerializer = ConflictProblemSerializer
ErrorSerializer = ProblemSerializer


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class AllowedStepsField(serializers.Field):
    """The steps the caller may take on the object now, from its catalogue (core.steps): the
    same list the pages render as buttons and a 409 lists as `allowed`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj: Any) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return catalogue_of(obj).allowed_names(obj, request.user)


class StateLogSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    transition = serializers.CharField()
    source_state = serializers.CharField(allow_null=True)
    state = serializers.CharField()
    by = serializers.SerializerMethodField()
    note = serializers.CharField(source="description", allow_null=True)

    def get_by(self, log) -> str | None:
        return log.by.display_name if log.by else None


class TransitionActionsMixin:
    """Turns the view set's `catalogue` (core.steps) into `POST …/{id}/{step}/` actions.

    403 without the permission, 404 outside the caller's scope (get_object), 400 for bad input,
    409 when the state does not allow it (with the steps allowed now) or a guard refuses (with
    reasons). The actions are installed when the router first asks for them, after every app
    registered its steps.
    """

    catalogue: Catalogue | None = None
    # Deprecated URLs kept working for older clients: {old url path: step name}.
    step_aliases: dict[str, str] = {}

    @classmethod
    def get_extra_actions(cls) -> list:
        cls._install_steps()
        return super().get_extra_actions()

    @classmethod
    def _install_steps(cls) -> None:
        if "_steps_installed" in cls.__dict__ or cls.catalogue is None:
            return
        for step in cls.catalogue:
            setattr(cls, step.name, cls._step_action(step, step.name.replace("_", "-")))
        for path, name in cls.step_aliases.items():
            # An old name of a step: still answered, with the deprecation notice in its headers.
            alias = cls._step_action(cls.catalogue[name], path, deprecated=True)
            successor = f"../{name.replace('_', '-')}/"
            notice = deprecated(since=STEP_ALIASES_SINCE, sunset=STEP_ALIASES_SUNSET, successor=successor)
            setattr(cls, f"{name}_alias", notice(alias))
        cls._steps_installed = True

    @classmethod
    def _step_action(cls, step: Step, url_path: str, deprecated: bool = False) -> Callable:
        def run(self, request: Request, pk: Any = None) -> Response:
            return self.run_step(request, step.name)

        run.__name__ = step.name if not deprecated else f"{step.name}_alias"
        run.__doc__ = f"{step.label}." + (f" {step.help}" if step.help else "")
        # action() first: it replaces the function's kwargs, where extend_schema keeps its schema.
        run = action(detail=True, methods=["post"], url_path=url_path)(run)
        return extend_schema(
            request=step.input,
            deprecated=deprecated,
            summary=str(step.label),
            responses={
                200: cls.serializer_class,
                400: ErrorSerializer,
                403: ErrorSerializer,
                404: ErrorSerializer,
                409: TransitionConflictSerializer,
            },
        )(run)

    def allowed_transitions(self, obj: Any, user: Any) -> list[str]:
        return self.catalogue.allowed_names(obj, user) if self.catalogue else []

    def run_step(self, request: Request, name: str) -> Response:
        obj = self.get_object()
        try:
            stored = self.catalogue.run(obj, name, user=request.user, data=request.data)
        except Refusal as refusal:
            return refusal_response(refusal)
        return Response(self.get_serializer(self.after_step(obj, stored)).data)

    def after_step(self, obj: Any, stored: Any) -> Any:
        """The object to answer a step with (`obj` as loaded, `stored` what the step's service
        returned): re-read through the queryset, for its annotations. A view set whose steps
        change only the row may override it with something cheaper."""
        try:
            return self.get_object()
        except Http404:  # the step took it out of the caller's view (a juror declining)
            return fresh(obj)

    @extend_schema(responses={200: StateLogSerializer(many=True), 404: ErrorSerializer})
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: Any = None) -> Response:
        """Every transition of this object: who, when, from, to, note."""
        return Response(StateLogSerializer(history(self.get_object()), many=True).data)


def refusal_response(refusal: Refusal) -> Response:
    """The API's answer to a refused step: 403, 400 with field errors, or 409."""
    if refusal.kind == "forbidden":
        raise PermissionDenied(refusal.detail)
    if refusal.kind == "invalid":
        raise DRFValidationError(refusal.errors or {"non_field_errors": refusal.reasons or [refusal.detail]})
    body = problem(
        status.HTTP_409_CONFLICT,
        refusal.detail,
        state=refusal.state,
        allowed=refusal.allowed,
        reasons=refusal.reasons or None,
    )
    return Response(body, status=status.HTTP_409_CONFLICT, content_type=PROBLEM_CONTENT_TYPE)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus Django's ValidationError from services as 400 with field errors, and
    the file storage being down as 503 with a Retry-After (core.files.storage_outage); every
    answer a problem (core.problems: RFC 9457, application/problem+json)."""
    if (outage := storage_outage(exc)) is not None:
        request = context.get("request")
        log_outage(outage, f"{request.method} {request.path}" if request is not None else "")
        return Response(
            problem(status.HTTP_503_SERVICE_UNAVAILABLE, str(STORAGE_UNAVAILABLE_MESSAGE)),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(STORAGE_RETRY_AFTER_SECONDS)},
            content_type=PROBLEM_CONTENT_TYPE,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = DRFValidationError(detail=detail)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = as_problem(response.status_code, response.data)
        response.content_type = PROBLEM_CONTENT_TYPE
    return response


class RulesPermission(BasePermission):
    """Object permissions from `rules`: `view.action_perms = {action: perm}`.

    The object checked is `view.permission_object(obj)` (e.g. a criterion's contest).
    Creation is checked by the view against the object it creates under.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        perm = getattr(view, "action_perms", {}).get(view.action)
        if perm is None:
            return True
        target = view.permission_object(obj) if hasattr(view, "permission_object") else obj
        return request.user.has_perm(perm, target)


# --- versions: ETag and If-Match --------------------------------------------------------------


def stale_response(error: versioning.StaleVersion) -> Response:
    body = problem(
        status.HTTP_412_PRECONDITION_FAILED,
        _("Someone changed this record since you loaded it. Reload it and apply your change again."),
        version=error.current,
        changed=error.changed,
    )
    return Response(
        body,
        status=status.HTTP_412_PRECONDITION_FAILED,
        headers={"ETag": versioning.etag(error.current)},
        content_type=PROBLEM_CONTENT_TYPE,
    )


class VersionedAPIMixin:
    """For view sets of versioned records: an ETag on every single object answered to GET, PUT
    and PATCH (from the serializer's `version`), and `If-Match` honoured by the writing actions
    (`versioned_actions`): the row is locked and checked in the request's transaction, before
    the service writes."""

    versioned_actions: tuple[str, ...] = ("update", "partial_update")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._editor_token = versioning.set_editor(request.user)

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("PUT", "PATCH") and request.headers.get("If-Match"):
            with transaction.atomic():  # the lock taken in get_object holds until the write
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return self.checked_version(super().get_object())

    def checked_version(self, obj):
        """`obj`, once its stored version was found to be the one `If-Match` names (if any)."""
        checking = self.request.method in ("PUT", "PATCH") and self.action in self.versioned_actions
        if checking and not getattr(self, "_version_checked", False):
            self._version_checked = True  # once: the response may read the object again after the write
            expected = versioning.parse_version(self.request.headers.get("If-Match"))
            if expected is not None:
                locked = (
                    type(obj).objects.select_for_update().only("version", "field_versions").get(pk=obj.pk)
                )
                versioning.check(locked, expected)
        return obj

    def handle_exception(self, exc):
        if isinstance(exc, versioning.StaleVersion):
            return stale_response(exc)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        token = getattr(self, "_editor_token", None)
        if token is not None:
            versioning.reset_editor(token)
            self._editor_token = None
        data = getattr(response, "data", None)
        if (
            request.method in ("GET", "HEAD", "PUT", "PATCH")
            and 200 <= response.status_code < 300
            and isinstance(data, dict)
            and isinstance(data.get("version"), int)
            and self.kwargs.get(self.lookup_url_kwarg or self.lookup_field) is not None
        ):
            response["ETag"] = versioning.etag(data["version"])
        return super().finalize_response(request, response, *args, **kwargs)

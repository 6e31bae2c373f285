"""Base API pieces: transitions as POST actions, one error shape, history."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import TransitionRefused
from core.fsm import history, transitions_from_state


class TransitionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class TransitionConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    state = serializers.CharField()
    allowed = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField(), required=False)


class StateLogSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    transition = serializers.CharField()
    source_state = serializers.CharField(allow_null=True)
    state = serializers.CharField()
    by = serializers.SerializerMethodField()
    note = serializers.CharField(source="description", allow_null=True)

    def get_by(self, log) -> str | None:
        return log.by.display_name if log.by else None


@dataclass(frozen=True)
class TransitionAction:
    """One transition offered by the API: the service that runs it, who may, and its input."""

    service: Callable[..., Any]
    permission: str
    input: type[serializers.Serializer] = TransitionNoteSerializer


class TransitionActionsMixin:
    """Turns `transitions = {name: TransitionAction}` into `POST …/{id}/{name}/` actions.

    403 without the permission, 404 outside the caller's scope (get_object), 409 when the
    state does not allow it (with the allowed transitions) or a guard refuses (with reasons).
    """

    transitions: dict[str, TransitionAction] = {}
    state_field = "state"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, spec in cls.transitions.items():
            setattr(cls, name, cls._transition_action(name, spec))

    @classmethod
    def _transition_action(cls, name: str, spec: TransitionAction) -> Callable:
        def run(self, request: Request, pk: Any = None) -> Response:
            return self.run_transition(request, name, spec)

        run.__name__ = name
        run.__doc__ = f"Run the `{name}` transition."
        # action() first: it replaces the function's kwargs, where extend_schema keeps its schema.
        run = action(detail=True, methods=["post"], url_path=name.replace("_", "-"))(run)
        return extend_schema(
            request=spec.input,
            responses={200: cls.serializer_class, 409: TransitionConflictSerializer},
        )(run)

    def allowed_transitions(self, obj: Any, user: Any) -> list[str]:
        return [
            name
            for name in transitions_from_state(obj, self.state_field)
            if name in self.transitions and user.has_perm(self.transitions[name].permission, obj)
        ]

    def run_transition(self, request: Request, name: str, spec: TransitionAction) -> Response:
        obj = self.get_object()
        if not request.user.has_perm(spec.permission, obj):
            raise PermissionDenied(_("You may not do this."))
        payload = spec.input(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            spec.service(obj, by=request.user, **payload.validated_data)
        except TransitionNotAllowed:
            obj.refresh_from_db()
            return self._conflict(obj, request, _("This step is not possible from the current state."))
        except TransitionRefused as refused:
            obj.refresh_from_db()
            return self._conflict(obj, request, _("This step was refused."), refused.reasons)
        except ConcurrentTransition:
            obj.refresh_from_db()
            return self._conflict(
                obj, request, _("Someone changed this at the same moment. Reload and try again.")
            )
        try:  # re-read through the queryset, for its annotations
            obj = self.get_object()
        except Http404:  # the step took it out of the caller's view (a juror declining)
            obj.refresh_from_db()
        return Response(self.get_serializer(obj).data)

    def _conflict(self, obj: Any, request: Request, detail: str, reasons=None) -> Response:
        body = {
            "detail": detail,
            "state": getattr(obj, self.state_field),
            "allowed": self.allowed_transitions(obj, request.user),
        }
        if reasons:
            body["reasons"] = reasons
        return Response(body, status=status.HTTP_409_CONFLICT)

    @extend_schema(responses=StateLogSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: Any = None) -> Response:
        """Every transition of this object: who, when, from, to, note."""
        return Response(StateLogSerializer(history(self.get_object()), many=True).data)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, plus Django's ValidationError from services as 400 with field errors."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = DRFValidationError(detail=detail)
    return drf_exception_handler(exc, context)


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

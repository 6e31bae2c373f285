"""One catalogue of steps (FSM transitions) per model, read by the API, the web pages and the templates.

A step is declared once, as data: the service that runs it, the `rules` permission, its label,
its input (a DRF serializer, so both doors validate the same way and give the same answers), an
optional confirmation and help text. The API mixin (`core.api`) turns each step into
`POST …/{id}/{step}/`; the web helper (`core.web`) runs it from a form and shows a refusal; the
`{% steps %}` tag renders the steps a person may take now as buttons, and `{% may %}` answers
"may this person do X now" for templates that need to know.

A lower app lists the steps of its models that a higher app owns (the contest's review, decision
and announcement) by letting that app `register()` them at start-up, so the lower app never
imports the higher one (DESIGN.md's layers).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import serializers

from core.exceptions import TransitionRefused
from core.strict import RefuseUnknownFieldsMixin


class NoteInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        label=gettext_lazy("Note"),
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        style={"base_template": "textarea.html"},
    )


class NoInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    """A step that takes nothing but the click."""


@dataclass(frozen=True)
class Step:
    name: str
    service: Callable[..., Any]
    permission: str
    label: str | Promise
    input: type[serializers.Serializer] = NoteInput
    confirm: str | Promise = ""
    help: str | Promise = ""
    danger: bool = False
    # The web page with its own form for this step (e.g. recording a payment); the catalogue's
    # button then links there instead of posting.
    page: str = ""
    # What the person reads once it ran; the generic "Done: <label>. Now: <state>." when empty.
    done: str | Promise = ""
    # Conditions the person must fix before the step is offered (e.g. Contest.publish_problems);
    # while it lists any, the step is not among the allowed ones (its button is not shown).
    problems: Callable[[Any], list] | None = None


class Refusal(Exception):
    """Why a step did not run: one answer for both doors.

    kind: "forbidden" (403), "invalid" (400, with field `errors`), "conflict" (409, with the
    steps `allowed` now and the `reasons` a guard gave).
    """

    def __init__(
        self,
        kind: str,
        detail: str,
        *,
        reasons: list[str] | None = None,
        errors: dict[str, list[str]] | None = None,
        state: str = "",
        allowed: list[str] | None = None,
    ):
        self.kind = kind
        self.detail = str(detail)
        self.reasons = [str(r) for r in reasons or []]
        self.errors = errors or {}
        self.state = state
        self.allowed = allowed or []
        super().__init__(self.detail)

    @property
    def messages(self) -> list[str]:
        """Everything the person should read, the detail first."""
        lines = [self.detail, *self.reasons]
        for errors in self.errors.values():
            lines.extend(str(e) for e in errors)
        return lines


@dataclass
class Catalogue:
    """The steps of one model. `url_name` is the web route running a step: args (pk, step name)."""

    model: type[models.Model]
    steps: list[Step] = field(default_factory=list)
    url_name: str = ""
    state_field: str = "state"
    url_arg: str = "pk"  # the object's attribute the web route takes (a case's public number)

    def __post_init__(self) -> None:
        self._steps = {}
        for step in self.steps:
            self.register(step)
        CATALOGUES[self.model] = self

    def register(self, step: Step) -> Step:
        """Add a step; a higher app lists here the steps of this model it owns."""
        if not hasattr(self.model, step.name):
            raise ValueError(f"{self.model.__name__} has no transition {step.name!r}")
        self._steps[step.name] = step
        return step

    def __iter__(self) -> Iterator[Step]:
        return iter(self._steps.values())

    def __contains__(self, name: str) -> bool:
        return name in self._steps

    def __getitem__(self, name: str) -> Step:
        return self._steps[name]

    def names(self) -> list[str]:
        return list(self._steps)

    # --- what is possible now -------------------------------------------------------------------

    def open_from_state(self, obj: models.Model) -> set[str]:
        """Transitions whose source is the current state and whose guards pass."""
        getter = getattr(obj, f"get_available_{self.state_field}_transitions")
        return {t.name for t in getter()}

    def allowed(self, obj: models.Model, user: Any) -> list[Step]:
        """The steps this person may take on `obj` now, in the catalogue's order."""
        if user is None or not user.is_authenticated:
            return []
        open_now = self.open_from_state(obj)
        chosen = [
            s
            for s in self
            if s.name in open_now
            and user.has_perm(s.permission, obj)
            and not (s.problems and s.problems(obj))
        ]
        return sorted(chosen, key=lambda s: s.danger)  # the destructive steps come last

    def allowed_names(self, obj: models.Model, user: Any) -> list[str]:
        return [s.name for s in self.allowed(obj, user)]

    def may(self, obj: models.Model, user: Any, name: str) -> bool:
        return any(s.name == name for s in self.allowed(obj, user))

    # --- running one ----------------------------------------------------------------------------

    def run(self, obj: models.Model, name: str, *, user: Any, data: Any = None) -> models.Model:
        """Check the permission, validate the input, call the service; raise `Refusal` otherwise.

        The object is re-read after a refusal, so the allowed steps are those of the stored state,
        and never include the step just refused. Returns what the service returned when it is
        the object as stored after the step (services return the row they locked and wrote),
        else `obj`.
        """
        step = self[name]
        if not user.has_perm(step.permission, obj):
            raise Refusal("forbidden", _("You may not do this."))
        payload = step.input(data=data if data is not None else {})
        if not payload.is_valid():
            raise Refusal(
                "invalid",
                _("Check the fields marked below."),
                errors={k: [str(e) for e in v] for k, v in payload.errors.items()},
            )
        try:
            result = step.service(obj, by=user, **payload.validated_data)
        except TransitionNotAllowed:
            raise self._conflict(
                obj, user, name, _("This step is not possible from the current state.")
            ) from None
        except TransitionRefused as refused:
            raise self._conflict(obj, user, name, _("This step was refused."), refused.reasons) from None
        except ConcurrentTransition:
            raise self._conflict(
                obj, user, name, _("Someone changed this at the same moment. Reload and try again.")
            ) from None
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {}
            raise Refusal(
                "invalid",
                _("This step was refused."),
                reasons=[] if errors else error.messages,
                errors=errors,
            ) from None
        if isinstance(result, type(obj)) and result.pk == obj.pk:
            return result
        return obj

    def _conflict(self, obj: models.Model, user: Any, name: str, detail: str, reasons=None) -> Refusal:
        # The state that won, read into a copy of its own: the caller's object keeps what it
        # loaded (refreshing it would also reset its ConcurrentTransition baseline).
        stored = fresh(obj)
        return Refusal(
            "conflict",
            detail,
            reasons=reasons,
            state=getattr(stored, self.state_field),
            allowed=[n for n in self.allowed_names(stored, user) if n != name],
        )


def fresh(obj: models.Model) -> models.Model:
    """A new copy of `obj` as stored now (whatever scope the default manager has)."""
    return type(obj)._base_manager.get(pk=obj.pk)


# model class -> its catalogue, so a template tag can find the steps of any object.
CATALOGUES: dict[type[models.Model], Catalogue] = {}


def catalogue_of(obj: models.Model) -> Catalogue:
    return CATALOGUES[type(obj)]

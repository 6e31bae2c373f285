"""The application's steps (core.steps): one name each, on the model, in the API and on the pages."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from applications import services
from applications.models import Application, IneligibilityReason
from core.steps import Catalogue, NoteInput, Step
from core.strict import RefuseUnknownFieldsMixin

TEXTAREA = {"base_template": "textarea.html"}


class SubmitInput(NoteInput):
    late_code = serializers.CharField(
        label=_("Late-submission code"),
        required=False,
        allow_blank=True,
        max_length=16,
        default="",
        help_text=_("A late-submission code from the organisers, needed after the deadline."),
    )


class ContestDateTimeField(serializers.DateTimeField):
    """A moment; one given without an offset (a form's wall-clock time) is kept as it is, for the
    service to read in the contest's time zone (services.in_contest_zone), not the server's."""

    def validate_empty_values(self, data):
        return super().validate_empty_values(None if data == "" else data)  # an empty form field

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            return value
        return super().enforce_timezone(value)


class ReturnInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        label=_("What must be corrected"),
        max_length=2000,
        help_text=_("What the applicant must correct."),
        style=TEXTAREA,
        error_messages={
            "required": _("Tell the applicant what to correct."),
            "blank": _("Tell the applicant what to correct."),
        },
    )
    correct_by = ContestDateTimeField(
        label=_("Correct by"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Until when the applicant may correct and resubmit it, in the contest's time zone. "
            "Required once the call has closed."
        ),
        error_messages={"invalid": _("Enter a date and time, e.g. 2030-05-31 18:00.")},
    )


class IneligibleInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    # The reason first: it is what the organiser must choose (the note is optional).
    reason = serializers.ChoiceField(
        label=_("Reason"),
        choices=IneligibilityReason.choices,
        error_messages={"required": _("Choose the reason why the application is ineligible.")},
    )
    note = serializers.CharField(
        label=_("Note"), required=False, allow_blank=True, max_length=2000, default="", style=TEXTAREA
    )


APPLICATION = Catalogue(
    Application,
    [
        Step(
            "submit",
            services.submit_application,
            "applications.submit_application",
            _("Submit the application"),
            SubmitInput,
            problems=Application.submission_closed_problems,
        ),
        Step(
            "mark_eligible",
            services.mark_eligible,
            "applications.screen_application",
            _("Mark eligible"),
            problems=Application.correction_pending_problems,
        ),
        Step(
            "return_for_correction",
            services.return_application,
            "applications.screen_application",
            _("Return for correction"),
            ReturnInput,
            problems=Application.return_problems,
        ),
        Step(
            "mark_ineligible",
            services.mark_ineligible,
            "applications.screen_application",
            _("Mark ineligible"),
            IneligibleInput,
            danger=True,
            problems=Application.correction_pending_problems,
        ),
        Step(
            "withdraw",
            services.withdraw_application,
            "applications.withdraw_application",
            _("Withdraw the application"),
            confirm=_("A withdrawn application cannot be submitted again."),
            danger=True,
        ),
    ],
    url_name="applications:step",
)

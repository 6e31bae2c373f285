"""The application's steps (core.steps): one name each, on the model, in the API and on the pages."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from applications import services
from applications.models import Application, IneligibilityReason
from core.steps import Catalogue, NoteInput, Step

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


class ReturnInput(serializers.Serializer):
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


class IneligibleInput(serializers.Serializer):
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
        ),
        Step("mark_eligible", services.mark_eligible, "applications.screen_application", _("Mark eligible")),
        Step(
            "return_for_correction",
            services.return_application,
            "applications.screen_application",
            _("Return for correction"),
            ReturnInput,
        ),
        Step(
            "mark_ineligible",
            services.mark_ineligible,
            "applications.screen_application",
            _("Mark ineligible"),
            IneligibleInput,
            danger=True,
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

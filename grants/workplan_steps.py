"""The steps (core.steps) of a work plan's activity: start, complete with evidence, cancel."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.steps import Catalogue, Step
from core.strict import RefuseUnknownFieldsMixin
from grants.models import PlanActivity
from grants.services import work_plan


class CompleteInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        label=_("What was done"),
        required=False,
        allow_blank=True,
        max_length=4000,
        default="",
        help_text=_("The evidence: a note, a file, or both (one of them is required)."),
        style={"base_template": "textarea.html"},
    )
    evidence = serializers.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, DOCX, ODT, XLSX, JPEG or PNG, up to 20 MB."),
    )


ACTIVITY = Catalogue(
    PlanActivity,
    [
        Step("start", work_plan.start_activity, "grants.edit_work_plan", _("Start the activity")),
        Step(
            "complete",
            work_plan.complete_activity,
            "grants.edit_work_plan",
            _("Mark as done"),
            CompleteInput,
            page="grants:complete_activity",
        ),
        Step(
            "cancel",
            work_plan.cancel_activity,
            "grants.edit_work_plan",
            _("Cancel the activity"),
            danger=True,
        ),
    ],
    url_name="grants:activity_step",
)

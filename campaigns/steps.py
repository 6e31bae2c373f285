"""The campaigns' steps (core.steps): a campaign opens and closes; a report is submitted,
accepted or returned for correction."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from campaigns import services
from campaigns.models import Campaign, CampaignReport
from core.steps import Catalogue, NoteInput, Step
from core.strict import RefuseUnknownFieldsMixin


class CampaignReturnInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        label=_("What to correct"),
        max_length=4000,
        help_text=_("Required: the organisation reads it with the returned report."),
        style={"base_template": "textarea.html"},
    )
    correct_by = serializers.DateField(
        label=_("Correct by"), required=False, allow_null=True, help_text=_("Empty: a week from today.")
    )

    def to_internal_value(self, data):
        # The page's form sends the date field empty when left so: that means "not given".
        if hasattr(data, "get") and data.get("correct_by") == "":
            data = {key: value for key, value in data.items() if key != "correct_by"}
        return super().to_internal_value(data)


CAMPAIGN = Catalogue(
    Campaign,
    [
        Step(
            "open",
            services.open_campaign,
            "campaigns.open_campaign",
            _("Open the campaign"),
            NoteInput,
            confirm=_("Each organisation of the audience is asked for its report and told by e-mail."),
            problems=Campaign.open_problems,
        ),
        Step(
            "close",
            services.close_campaign,
            "campaigns.close_campaign",
            _("Close the campaign"),
            confirm=_("Reports not yet submitted can no longer be submitted."),
            danger=True,
        ),
    ],
    url_name="campaigns:campaign_step",
)

REPORT = Catalogue(
    CampaignReport,
    [
        Step("submit", services.submit_report, "campaigns.submit_report", _("Submit the report")),
        Step("accept", services.accept_report, "campaigns.review_report", _("Accept the report")),
        Step(
            "return_for_correction",
            services.return_report,
            "campaigns.review_report",
            _("Return for correction"),
            CampaignReturnInput,
        ),
    ],
    url_name="campaigns:report_step",
)

"""The grants' steps (core.steps): a grant, its tranches and its reports."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.steps import Catalogue, NoInput, NoteInput, Step
from core.strict import RefuseUnknownFieldsMixin
from grants import services
from grants.models import Disbursement, Grant, GrantReport

TEXTAREA = {"base_template": "textarea.html"}


class SignInput(NoteInput):
    signed_copy = serializers.FileField(label=_("Signed copy"), required=False)
    signed_on = serializers.DateField(label=_("Signed on"), required=False)


class GrantReasonInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        label=_("Reason"),
        max_length=4000,
        help_text=_("Why (required): the reason for terminating, or the changes asked for."),
        style=TEXTAREA,
    )


class PayInput(NoteInput):
    idempotency_key = serializers.CharField(max_length=100)
    payment_reference = serializers.CharField(label=_("Payment reference"), max_length=100)
    paid_on = serializers.DateField(label=_("Paid on"))


GRANT = Catalogue(
    Grant,
    [
        Step(
            "sign_agreement",
            services.sign_agreement,
            "grants.sign_agreement",
            _("Record the signed agreement"),
            SignInput,
            page="grants:sign",
        ),
        Step("activate", services.activate_grant, "grants.activate_grant", _("Activate the grant")),
        # Separated duties: changed bank details wait for a second grant officer (grants.services
        # .bank_details); offered only while they do.
        Step(
            "confirm_bank_details",
            services.confirm_bank_details,
            "grants.confirm_bank_details",
            _("Confirm the new bank details"),
            confirm=_(
                "Check the new account with the grantee by a channel of your own first. "
                "Another grant officer then records the next payment."
            ),
        ),
        Step("complete", services.complete_grant, "grants.complete_grant", _("Complete the grant")),
        Step(
            "terminate",
            services.terminate_grant,
            "grants.terminate_grant",
            _("Terminate the grant"),
            GrantReasonInput,
            confirm=_("The grantee is told; the remaining tranches are cancelled."),
            danger=True,
        ),
    ],
    url_name="grants:grant_step",
)

TRANCHE = Catalogue(
    Disbursement,
    [
        Step(
            "approve",
            services.approve_tranche,
            "grants.approve_tranche",
            _("Approve the payment"),
            NoInput,
            problems=Disbursement.approve_problems,
        ),
        Step(
            "pay",
            services.pay_tranche,
            "grants.pay_tranche",
            _("Record the payment"),
            PayInput,
            page="grants:pay_tranche",
            problems=Disbursement.pay_problems,
        ),
        Step(
            "cancel", services.cancel_tranche, "grants.cancel_tranche", _("Cancel the tranche"), danger=True
        ),
    ],
    url_name="grants:tranche_step",
)

REPORT = Catalogue(
    GrantReport,
    [
        Step("submit", services.submit_report, "grants.submit_report", _("Submit the report")),
        Step("accept", services.accept_report, "grants.review_report", _("Accept the report")),
        Step(
            "request_changes",
            services.request_report_changes,
            "grants.review_report",
            _("Ask for changes"),
            GrantReasonInput,
        ),
    ],
    url_name="grants:report_step",
)

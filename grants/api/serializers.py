"""Grants API shapes. Component names all start with "Grant" so they stay unique project-wide."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import AllowedStepsField
from core.money import Currency
from core.strict import RefuseUnknownFieldsMixin
from grants.models import AuditEntry, BudgetLine, Disbursement, Grant, GrantReport, Indicator, IndicatorTarget

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class GrantSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    application_title = serializers.CharField(source="application.title", read_only=True)
    organisation = serializers.CharField(source="application.organisation.name", read_only=True)
    region = serializers.CharField(source="application.organisation.region", read_only=True)
    payee_name = serializers.SerializerMethodField()
    payee_bank = serializers.SerializerMethodField()
    payee_iban = serializers.SerializerMethodField()
    allowed_transitions = AllowedStepsField()  # grants.steps.GRANT
    # Changed after signing: the next payment waits for another grant officer (confirm-bank-details).
    bank_details_unconfirmed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Grant
        fields = [
            "id",
            "contest",
            "application",
            "application_title",
            "organisation",
            "region",
            "state",
            "state_display",
            "amount",
            "currency",
            "purpose",
            "starts_on",
            "ends_on",
            "signed_on",
            "termination_reason",
            "payee_name",
            "payee_bank",
            "payee_iban",
            "bank_details_unconfirmed",
            "bank_details_changed_at",
            "allowed_transitions",
            "created_at",
        ]
        read_only_fields = fields

    def _bank(self, grant: Grant, field: str) -> str | None:
        # Only the contest's grant officers and the grantee see where the money goes.
        request = self.context.get("request")
        if request is None or not request.user.has_perm("grants.view_bank_details", grant):
            return None
        return getattr(grant, field)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_payee_name(self, grant: Grant) -> str | None:
        return self._bank(grant, "payee_name")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_payee_bank(self, grant: Grant) -> str | None:
        return self._bank(grant, "payee_bank")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_payee_iban(self, grant: Grant) -> str | None:
        return self._bank(grant, "payee_iban")


class GrantOfferSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    application = serializers.IntegerField()
    amount = serializers.DecimalField(**AMOUNT, min_value=Decimal("0.01"))
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    purpose = serializers.CharField(max_length=4000)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    agreement_draft = serializers.FileField(required=False)


class GrantTermsSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    representation = GrantSerializer  # its other fields are accepted when unchanged
    amount = serializers.DecimalField(**AMOUNT, min_value=Decimal("0.01"), required=False)
    purpose = serializers.CharField(max_length=4000, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)


class GrantBankDetailsSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    payee_name = serializers.CharField(max_length=300)
    payee_bank = serializers.CharField(max_length=300)
    payee_iban = serializers.CharField(max_length=40)


class GrantBudgetLineSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["id", "title", "planned", "order", "version"]
        read_only_fields = ["id", "version"]


class GrantTargetSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """A target over a reporting period (`period_end`) or over a calendar `year`: give one of the
    two. `achieved` is what accepted reports reached over it: the report of that period, or the
    sum of the accepted reports whose period ends in that year."""

    period_end = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The end of one of the grant's reporting periods."),
    )
    year = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=2000,
        max_value=2100,
        help_text=gettext_lazy("A calendar year of the grant, instead of a reporting period."),
    )
    achieved = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorTarget
        fields = ["id", "indicator", "period_end", "year", "value", "achieved"]
        read_only_fields = ["id"]
        validators = []  # the service upserts per (grant, indicator, period or year)

    def validate(self, attrs: dict) -> dict:
        if (attrs.get("period_end") is None) == (attrs.get("year") is None):
            raise serializers.ValidationError(
                {
                    "period_end": [
                        _("Give either a reporting period or a calendar year for the target, not both.")
                    ]
                }
            )
        return attrs

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_achieved(self, target: IndicatorTarget) -> str | None:
        achieved = self.context.get("achieved", {})
        return None if target.pk not in achieved else str(achieved[target.pk])


class GrantTrancheSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    currency = serializers.CharField(source="grant.currency", read_only=True)
    allowed_transitions = AllowedStepsField()  # grants.steps.TRANCHE

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "grant",
            "state",
            "state_display",
            "planned_on",
            "amount",
            "currency",
            "percentage",
            "after_report",
            "approved_at",
            "paid_on",
            "payment_reference",
            "cancel_reason",
            "allowed_transitions",
        ]
        read_only_fields = fields


class GrantTrancheCreateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    grant = serializers.IntegerField()
    planned_on = serializers.DateField()
    amount = serializers.DecimalField(**AMOUNT, min_value=Decimal("0.01"), required=False)
    percentage = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("100"), required=False
    )
    after_report = serializers.IntegerField(required=False, allow_null=True)


class GrantActualSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    indicator = serializers.IntegerField()
    value = serializers.DecimalField(**AMOUNT)


class GrantSpendingSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    line = serializers.IntegerField()
    amount = serializers.DecimalField(**AMOUNT, min_value=Decimal("0"))


class GrantReportAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()


class GrantReportSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    actuals = serializers.SerializerMethodField()
    spending = serializers.SerializerMethodField()
    attachments = GrantReportAttachmentSerializer(many=True, read_only=True)
    allowed_transitions = AllowedStepsField()  # grants.steps.REPORT

    class Meta:
        model = GrantReport
        fields = [
            "id",
            "grant",
            "kind",
            "kind_display",
            "period_start",
            "period_end",
            "due_on",
            "state",
            "state_display",
            "is_overdue",
            "narrative",
            "actuals",
            "spending",
            "attachments",
            "submitted_at",
            "reviewed_at",
            "review_note",
            "allowed_transitions",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(GrantActualSerializer(many=True))
    def get_actuals(self, report: GrantReport) -> list[dict]:
        return [{"indicator": a.indicator_id, "value": str(a.value)} for a in report.actuals.all()]

    @extend_schema_field(GrantSpendingSerializer(many=True))
    def get_spending(self, report: GrantReport) -> list[dict]:
        return [{"line": s.line_id, "amount": str(s.amount)} for s in report.spending.all()]


class GrantReportUpdateSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    representation = GrantReportSerializer  # its other fields are accepted when unchanged
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    actuals = GrantActualSerializer(many=True, required=False)
    spending = GrantSpendingSerializer(many=True, required=False)


class GrantReportUploadSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    file = serializers.FileField()


class GrantIndicatorSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "contest", "name", "unit", "direction", "order"]
        read_only_fields = ["id", "order"]
        validators = []  # the service names the duplicate as a field error


class GrantIndicatorResultSerializer(serializers.Serializer):
    indicator_id = serializers.IntegerField()
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    target = serializers.DecimalField(**AMOUNT)
    actual = serializers.DecimalField(**AMOUNT)
    achieved = serializers.BooleanField()


class GrantBudgetSerializer(serializers.Serializer):
    contest = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    currency = serializers.CharField()
    total = serializers.DecimalField(**AMOUNT, source="budget.total")
    committed = serializers.DecimalField(**AMOUNT, source="budget.committed")
    paid = serializers.DecimalField(**AMOUNT, source="budget.paid")
    remaining = serializers.DecimalField(**AMOUNT, source="budget.remaining")


class GrantAuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True, default=None)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "action", "amount", "currency", "payload", "prev_hash", "hash"]
        read_only_fields = fields

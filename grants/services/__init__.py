"""Writes of the grants: offering, the agreement, tranches and payments, reports, indicators.

Every money movement and transition is written to the audit chain in the same transaction.
Invariants over many rows take a row lock on their owner first: the contest row for its budget,
the grant row for its tranches. Web views, the API and tasks all call these functions.

By subject:
- offers_and_agreements: offering a grant, its terms, budget lines, the signed agreement,
  activation, completion and termination;
- bank_details: the payee's bank details, entered by the grantee, a change confirmed by a
  second person (separated duties);
- tranches_and_payments: planning, approving, paying and cancelling tranches;
- reports_and_indicators: the reports' schedule, drafts, files, submission and review, the
  contest's indicators and each grant's targets.

Everything public is re-exported here: `from grants import services; services.pay_tranche(...)`.
"""

from grants.services.bank_details import confirm_bank_details, update_bank_details
from grants.services.common import MB, money
from grants.services.offers_and_agreements import (
    AGREEMENT_MAX_MB,
    AGREEMENT_TYPES,
    activate_grant,
    add_budget_line,
    complete_grant,
    offer_grant,
    offer_problems,
    sign_agreement,
    terminate_grant,
    update_grant,
    upload_agreement_draft,
)
from grants.services.reports_and_indicators import (
    FINAL_REPORT_DAYS,
    INTERIM_DUE_DATES,
    REPORT_FILE_MAX_MB,
    REPORT_FILE_TYPES,
    accept_report,
    add_indicator,
    add_report_attachment,
    report_due_dates,
    request_report_changes,
    save_report,
    schedule_reports,
    set_target,
    submit_report,
)
from grants.services.tranches_and_payments import (
    approve_tranche,
    cancel_tranche,
    pay_tranche,
    schedule_tranche,
)

__all__ = [
    "AGREEMENT_MAX_MB",
    "AGREEMENT_TYPES",
    "FINAL_REPORT_DAYS",
    "INTERIM_DUE_DATES",
    "MB",
    "REPORT_FILE_MAX_MB",
    "REPORT_FILE_TYPES",
    "accept_report",
    "activate_grant",
    "add_budget_line",
    "add_indicator",
    "add_report_attachment",
    "approve_tranche",
    "cancel_tranche",
    "complete_grant",
    "confirm_bank_details",
    "money",
    "offer_grant",
    "offer_problems",
    "pay_tranche",
    "report_due_dates",
    "request_report_changes",
    "save_report",
    "schedule_reports",
    "schedule_tranche",
    "set_target",
    "sign_agreement",
    "submit_report",
    "terminate_grant",
    "update_bank_details",
    "update_grant",
    "upload_agreement_draft",
]

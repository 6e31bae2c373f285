from django.utils.translation import gettext_lazy as _

from notifications.events import Event, register

GRANT_PLACEHOLDERS = {
    "contest": _("the contest's title"),
    "application": _("the project's title"),
    "organisation": _("the grantee organisation"),
    "link": _("where the grant is seen"),
}
REPORT_PLACEHOLDERS = {
    **GRANT_PLACEHOLDERS,
    "kind": _("interim or final report"),
    "due": _("the report's due date"),
}

OFFERED = register(
    Event(
        "grants.offered",
        _("A grant was offered (to the grantee)"),
        mandatory=True,
        placeholders={**GRANT_PLACEHOLDERS, "amount": _("the grant's amount and currency")},
    )
)
TRANCHE_PAID = register(
    Event(
        "grants.tranche_paid",
        _("A tranche was paid (to the grantee)"),
        mandatory=True,
        placeholders={
            **GRANT_PLACEHOLDERS,
            "amount": _("the tranche's amount and currency"),
            "paid_on": _("the payment date"),
            "reference": _("the payment reference"),
        },
    )
)
REPORT_DUE = register(
    Event(
        "grants.report_due",
        _("A grant report falls due soon (to the grantee)"),
        placeholders={**REPORT_PLACEHOLDERS, "days": _("days left")},
    )
)
REPORT_ACCEPTED = register(
    Event(
        "grants.report_accepted",
        _("A grant report was accepted (to the grantee)"),
        mandatory=True,
        placeholders=REPORT_PLACEHOLDERS,
    )
)
CHANGES_REQUESTED = register(
    Event(
        "grants.report_changes_requested",
        _("Changes to a grant report were requested (to the grantee)"),
        mandatory=True,
        placeholders={**REPORT_PLACEHOLDERS, "note": _("what should change")},
    )
)

# Approvers hear that there is work; overdue reports are chased after the due date too.
REPORT_SUBMITTED = register(
    Event(
        "grants.report_submitted",
        _("A grant report was submitted and awaits review (to the grant officers)"),
        placeholders={**REPORT_PLACEHOLDERS, "submitted_by": _("who submitted it")},
    )
)
TRANCHE_AWAITS_APPROVAL = register(
    Event(
        "grants.tranche_awaits_approval",
        _("A tranche awaits approval (to the grant officers)"),
        placeholders={
            **GRANT_PLACEHOLDERS,
            "amount": _("the tranche's amount and currency"),
            "planned_on": _("the planned payment date"),
        },
    )
)
REPORT_OVERDUE = register(
    Event(
        "grants.report_overdue",
        _("A grant report is overdue (to the grantee)"),
        placeholders={**REPORT_PLACEHOLDERS, "days": _("days since the due date")},
    )
)
REPORTS_OVERDUE = register(
    Event(
        "grants.reports_overdue",
        _("The overdue grant reports, one list (to each grant officer)"),
        placeholders={
            "reports": _("the overdue reports, each with contest, project, organisation, kind, due and days"),
            "count": _("how many reports are overdue"),
            "link": _("the grants' overview"),
        },
    )
)
# Separated duties (issue 16): a change of the payee's bank details once the agreement is signed
# is told to the grantee's members, the contest's organisers and its grant officers.
BANK_DETAILS_CHANGED = register(
    Event(
        "grants.bank_details_changed",
        _("The payee's bank details changed after signing (to the grantee, organisers and grant officers)"),
        mandatory=True,
        placeholders={
            **GRANT_PLACEHOLDERS,
            "iban_ending": _("the last four characters of the new IBAN"),
            "changed_by": _("who changed them"),
            "needs_confirmation": _("whether a grant officer must confirm them before the next payment"),
        },
    )
)

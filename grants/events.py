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

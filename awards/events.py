from django.utils.translation import gettext_lazy as _

from notifications.events import Event, register

RESULT_PLACEHOLDERS = {
    "contest": _("the contest's title"),
    "application": _("the project's title"),
    "number": _("the application's registration number"),
    "nomination": _("the nomination"),
    "link": _("the public results page"),
    "comments": _("the jurors' comments, anonymous (when the contest releases them)"),
}

AWARDED = register(
    Event(
        "awards.awarded",
        _("An application won (to the applicant)"),
        mandatory=True,
        placeholders={
            **RESULT_PLACEHOLDERS,
            "place": _("the place in the nomination"),
            "diploma_link": _("where the diploma is downloaded"),
        },
    )
)
NOT_AWARDED = register(
    Event(
        "awards.not_awarded",
        _("An application did not win (to the applicant)"),
        mandatory=True,
        placeholders=RESULT_PLACEHOLDERS,
    )
)

# Everyone hears the outcome: the applicants whose entry never reached the jury get their own
# wording at the announcement (each its own event, so organisers can reword each).
OUTCOME_PLACEHOLDERS = {
    "contest": _("the contest's title"),
    "application": _("the project's title"),
    "number": _("the application's registration number"),
    "nomination": _("the nomination"),
    "link": _("the public results page"),
}
INELIGIBLE = register(
    Event(
        "awards.outcome_ineligible",
        _("The results were announced; the application was ineligible (to the applicant)"),
        mandatory=True,
        placeholders=OUTCOME_PLACEHOLDERS,
    )
)
WITHDRAWN = register(
    Event(
        "awards.outcome_withdrawn",
        _("The results were announced; the application was withdrawn (to the applicant)"),
        mandatory=True,
        placeholders=OUTCOME_PLACEHOLDERS,
    )
)
LATE = register(
    Event(
        "awards.outcome_late",
        _("The results were announced; the application came back too late (to the applicant)"),
        mandatory=True,
        placeholders=OUTCOME_PLACEHOLDERS,
    )
)
UNSENT = register(
    Event(
        "awards.outcome_draft",
        _("The results were announced; the application was never submitted (to the applicant)"),
        mandatory=True,
        placeholders=OUTCOME_PLACEHOLDERS,
    )
)
NOT_REVIEWED = register(
    Event(
        "awards.outcome_not_reviewed",
        _("The results were announced; the application did not reach the jury (to the applicant)"),
        mandatory=True,
        placeholders=OUTCOME_PLACEHOLDERS,
    )
)
WINNER_PROPOSED = register(
    Event(
        "awards.winner_proposed",
        _("A winner was proposed and awaits approval (to the other organisers and the jury chair)"),
        placeholders={
            "contest": _("the contest's title"),
            "application": _("the project's title"),
            "number": _("the application's registration number"),
            "nomination": _("the nomination"),
            "proposed_by": _("who proposed it"),
            "link": _("where proposed winners are approved"),
        },
    )
)

# Documents beyond the winners' diplomas (special awards, participation, jurors' thanks).
DOCUMENT_PLACEHOLDERS = {
    "contest": _("the contest's title"),
    "document": _("what the document is (a certificate of participation, a letter of thanks…)"),
    "holder": _("to whom it is issued"),
    "link": _("where the PDF is downloaded"),
    "code": _("the verification code"),
}
DOCUMENT_ISSUED = register(
    Event(
        "awards.document_issued",
        _("A certificate, special award diploma or letter of thanks was issued (to its holder)"),
        placeholders=DOCUMENT_PLACEHOLDERS,
    )
)

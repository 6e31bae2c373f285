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

"""The review's steps (core.steps): a juror's review and a review round; and the contest's step
the review owns, starting the review."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contests.steps import CONTEST
from core.steps import Catalogue, NoInput, NoteInput, Step
from core.strict import RefuseUnknownFieldsMixin
from review import services
from review.models import OrganisationConflict, Review, Round

TEXTAREA = {"base_template": "textarea.html"}


class DeclineInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        label=_("Why you decline"), max_length=2000, help_text=_("Why the juror declines."), style=TEXTAREA
    )
    conflict = serializers.BooleanField(
        label=_("I have a conflict of interest with this application"),
        required=False,
        default=False,
        help_text=_("The juror declares a conflict of interest."),
    )


class ReviewReasonInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(label=_("Reason"), max_length=2000, help_text=_("Why."), style=TEXTAREA)


REVIEW = Catalogue(
    Review,
    [
        Step(
            "submit",
            services.submit_review,
            "review.submit_review",
            _("Submit the review"),
            NoInput,
            done=_("Your review was submitted. Thank you!"),
        ),
        Step(
            "reopen",
            services.reopen_review,
            "review.reopen_review",
            _("Reopen"),
            ReviewReasonInput,
            done=_("The review was reopened; the juror was told why."),
        ),
        Step(
            "decline",
            services.decline_review,
            "review.decline_review",
            _("Decline"),
            DeclineInput,
            danger=True,
            done=_("You declined the review. The organisers were told your reason."),
        ),
        Step(
            "recuse",
            services.recuse_review,
            "review.recuse_review",
            _("Record a conflict of interest"),
            ReviewReasonInput,
            danger=True,
        ),
    ],
    url_name="review:review_step",
)

ROUND = Catalogue(
    Round,
    [
        Step(
            "open",
            services.open_round,
            "review.manage_round",
            _("Open for scoring"),
            NoInput,
            done=_("The round is open: jurors can score."),
        ),
        Step(
            "close",
            services.close_round,
            "review.manage_round",
            _("Close the round"),
            NoInput,
            done=_("The round is closed."),
        ),
    ],
    url_name="review:round_step",
)

CONTEST.register(
    Step(
        "start_review",
        services.start_contest_review,
        "contests.start_review_contest",
        _("Start the review"),
        help=_("Hand the applications to the jury."),
    )
)


class RejectDeclarationInput(RefuseUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        label=_("Why the declaration is rejected"),
        max_length=2000,
        help_text=_("The juror reads this reason."),
        style=TEXTAREA,
    )


ORGANISATION_CONFLICT = Catalogue(
    OrganisationConflict,
    [
        Step(
            "accept",
            services.accept_organisation_conflict,
            "review.decide_organisation_conflict",
            _("Accept the declaration"),
            NoteInput,
            help=_(
                "The juror stays away from the organisation's applications; their reviews of them "
                "are withdrawn and given to other jurors."
            ),
            done=_("The declaration was accepted; the juror was told."),
        ),
        Step(
            "reject",
            services.reject_organisation_conflict,
            "review.decide_organisation_conflict",
            _("Reject the declaration"),
            RejectDeclarationInput,
            danger=True,
            help=_("The organisation's applications may be assigned to the juror again."),
            done=_("The declaration was rejected; the juror was told why."),
        ),
    ],
    url_name="review:organisation_conflict_step",
)

"""The juror's part of "download my data" (accounts.privacy): the reviews a person wrote (their
scores and comments are theirs) and their notes in jury discussions."""

from accounts.models import User
from accounts.privacy import personal_data
from review.models import JuryNote, Review


@personal_data("reviews")
def reviews_of(user: User) -> list[dict]:
    reviews = (
        Review.objects.filter(juror__user=user)
        .select_related("round", "juror")
        .prefetch_related("scores__criterion")
        .order_by("pk")
    )
    return [
        {
            "id": r.pk,
            "contest": r.juror.contest_id,
            "application": r.application_id,
            "round": r.round.number,
            "state": r.state,
            "submitted_at": r.submitted_at,
            "overall_comment": r.overall_comment,
            "decline_reason": r.decline_reason,
            "scores": [
                {"criterion": str(s.criterion), "value": s.value, "comment": s.comment}
                for s in r.scores.all()
            ],
        }
        for r in reviews
    ]


@personal_data("jury_notes")
def jury_notes_of(user: User) -> list[dict]:
    return [
        {"application": n["application_id"], "text": n["text"], "written_at": n["created_at"]}
        for n in JuryNote.objects.filter(author=user)
        .order_by("pk")
        .values("application_id", "text", "created_at")
    ]

"""The applicant's part of "download my data" (accounts.privacy): the applications a person
started, the versions they submitted and the files they uploaded — ids, contest, state and
dates; the answers belong to the organisation and stay out."""

from accounts.models import User
from accounts.privacy import personal_data
from applications.models import Application, Attachment, Revision


@personal_data("applications")
def applications_of(user: User) -> list[dict]:
    rows = Application.objects.filter(created_by=user).order_by("pk")
    return [
        {
            "id": a["pk"],
            "contest": a["contest_id"],
            "contest_title": a["contest__title"],
            "organisation": a["organisation_id"],
            "title": a["title"],
            "state": a["state"],
            "created_at": a["created_at"],
            "submitted_at": a["submitted_at"],
        }
        for a in rows.values(
            "pk",
            "contest_id",
            "contest__title",
            "organisation_id",
            "title",
            "state",
            "created_at",
            "submitted_at",
        )
    ]


@personal_data("submitted_versions")
def revisions_of(user: User) -> list[dict]:
    rows = Revision.objects.filter(submitted_by=user).order_by("submitted_at", "pk")
    return [
        {"application": r["application_id"], "submitted_at": r["submitted_at"]}
        for r in rows.values("application_id", "submitted_at")
    ]


@personal_data("uploaded_files")
def uploads_of(user: User) -> list[dict]:
    rows = Attachment.objects.filter(uploaded_by=user).order_by("created_at", "pk")
    return [
        {"application": r["application_id"], "file_name": r["original_name"], "uploaded_at": r["created_at"]}
        for r in rows.values("application_id", "original_name", "created_at")
    ]

from django.urls import path

from review.views import board, declarations, files, juror, jury, results, shortlist

app_name = "review"

urlpatterns = [
    # The juror's pages. Reminders and assignment messages link to the queue.
    path("", juror.queue, name="queue"),
    path("reviews/<int:pk>/", juror.score, name="score"),
    path("reviews/<int:pk>/autosave/", juror.autosave, name="autosave"),
    path("reviews/<int:pk>/decline/", juror.decline, name="decline"),
    path("reviews/<int:pk>/steps/<slug:name>/", juror.review_step, name="review_step"),
    path("reviews/<int:pk>/notes/", juror.note, name="note"),
    # Conflicts of interest a juror declares with a whole organisation; the organisers' steps.
    path("conflicts/", declarations.declarations, name="declarations"),
    path(
        "conflicts/<int:pk>/steps/<slug:name>/",
        declarations.organisation_conflict_step,
        name="organisation_conflict_step",
    ),
    path("reviews/<int:pk>/files/<int:attachment_pk>/", files.review_file, name="file"),
    # The organiser's jury page of a contest.
    path("contests/<int:pk>/", jury.jury, name="jury"),
    path("contests/<int:pk>/jurors/", jury.juror_add, name="juror_add"),
    path("contests/<int:pk>/jurors/<int:juror_pk>/remove/", jury.juror_remove, name="juror_remove"),
    path("contests/<int:pk>/rounds/", jury.round_create, name="round_create"),
    path("contests/<int:pk>/recuse/", jury.recuse, name="recuse"),
    path("rounds/<int:pk>/<slug:name>/step/", jury.round_step, name="round_step"),
    path("rounds/<int:pk>/auto-assign/", jury.auto_assign, name="auto_assign"),
    path("rounds/<int:pk>/assign/", jury.assign, name="assign"),
    # Progress and results of a round.
    path("rounds/<int:pk>/progress/", board.progress, name="progress"),
    path("rounds/<int:pk>/remind/", board.remind, name="remind"),
    path("rounds/<int:pk>/reviews/<int:review_pk>/reopen/", board.reopen, name="reopen"),
    path("rounds/<int:pk>/ranking/", results.ranking, name="ranking"),
    path("rounds/<int:pk>/applications/<int:application_pk>/", results.breakdown, name="breakdown"),
    path("rounds/<int:pk>/applications/<int:application_pk>/consensus/", results.consensus, name="consensus"),
    path("rounds/<int:pk>/scores.<str:fmt>", results.export, name="export"),
    # The shortlist of a later round (the applications it reviews), and the ranking's forms for it.
    path("rounds/<int:pk>/shortlist/", shortlist.shortlist, name="shortlist"),
    path("rounds/<int:pk>/shortlist/top/", shortlist.shortlist_top, name="shortlist_top"),
    path("rounds/<int:pk>/shortlist/pick/", shortlist.shortlist_pick, name="shortlist_pick"),
    path("rounds/<int:pk>/shortlist/remove/", shortlist.shortlist_remove, name="shortlist_remove"),
    path("rounds/<int:pk>/shortlist/confirm/", shortlist.shortlist_confirm, name="shortlist_confirm"),
    path("rounds/<int:pk>/ranking/shortlist/", shortlist.from_ranking, name="ranking_shortlist"),
]

from django.urls import path

from awards import opendata_views, special_views, views

app_name = "awards"

urlpatterns = [
    path("awards/contests/<int:pk>/", views.organise, name="organise"),
    path("awards/contests/<int:pk>/propose/", views.propose, name="propose"),
    path("awards/contests/<int:pk>/settings/", views.award_settings, name="settings"),
    path("awards/contests/<int:pk>/steps/<slug:name>/", views.step, name="step"),
    path("awards/decisions/<int:pk>/citation/", views.citation, name="citation"),
    path("awards/decisions/<int:pk>/<slug:name>/", views.decision_step, name="decision_step"),
    path("awards/diplomas/<int:pk>/", views.diploma, name="diploma"),
    path("awards/contests/<int:pk>/special/", special_views.page, name="special"),
    path("awards/contests/<int:pk>/special/new/", special_views.create_award, name="special_create"),
    path("awards/contests/<int:pk>/issue/<slug:kind>/", special_views.issue, name="issue"),
    path("awards/special/<int:pk>/delete/", special_views.delete_award, name="special_delete"),
    path("awards/special/<int:pk>/choose/", special_views.choose, name="special_choose"),
    path(
        "awards/special/<int:pk>/unchoose/<int:application>/",
        special_views.unchoose,
        name="special_unchoose",
    ),
    path("awards/issue-runs/<int:pk>/", special_views.run_progress, name="issue_run"),
    path("awards/my-documents/", special_views.my_documents, name="my_documents"),
    path("results/how-to-verify/", views.how_to_verify, name="how_to_verify"),
    path("results/<int:pk>/", views.results, name="results"),
    path("results/<int:pk>/scores.json", views.results_file, name="results_file"),
    path("open-data/", opendata_views.page, name="open_data"),
    path("open-data/grants.json", opendata_views.grants_json, name="open_data_json"),
    path("open-data/grants.csv", opendata_views.grants_csv, name="open_data_csv"),
    path(
        "open-data/contests/<int:pk>/grants.json",
        opendata_views.contest_grants_json,
        name="open_data_contest_json",
    ),
    path(
        "open-data/contests/<int:pk>/grants.csv",
        opendata_views.contest_grants_csv,
        name="open_data_contest_csv",
    ),
    path("open-data/schema/v<int:version>.json", opendata_views.schema, name="open_data_schema"),
    path("diplomas/verify/", views.verify, name="verify"),
    path("diplomas/verify/<str:code>/", views.verify, name="verify_code"),
]

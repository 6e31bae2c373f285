from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import import_views, views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.sign_up, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("me/", views.profile, name="profile"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_create, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/invite/", views.organisation_invite, name="organisation_invite"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("organisers/", views.organisers, name="organisers"),
    path("organisers/<int:pk>/remove/", views.organiser_remove, name="organiser_remove"),
    path("contests/<int:pk>/invite/", views.invite_to_contest, name="invite_to_contest"),
    path("organisations/import/", import_views.organisations_import, name="organisations_import"),
    path(
        "organisations/import/template.csv",
        import_views.organisations_template,
        {"fmt": "csv"},
        name="organisations_import_template_csv",
    ),
    path(
        "organisations/import/template.xlsx",
        import_views.organisations_template,
        {"fmt": "xlsx"},
        name="organisations_import_template_xlsx",
    ),
    path("imports/<int:pk>/", import_views.import_job, name="import_job"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/steps/<slug:name>/", import_views.import_step, name="import_step"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
]

"""Changing or resetting a password ends the person's other sessions and API tokens
(accounts.sessions.end_other_sessions_and_tokens); the session that changed it stays."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from accounts import security_log
from accounts.sessions import end_other_sessions_and_tokens


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session (update_session_auth_hash)
        security_log.record(security_log.Kind.PASSWORD_CHANGED, request=self.request, user=form.user)
        end_other_sessions_and_tokens(form.user, request=self.request)
        messages.success(
            self.request,
            _("Your password was changed. Your other sessions were logged out and your API tokens revoked."),
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        security_log.record(
            security_log.Kind.PASSWORD_CHANGED, request=self.request, user=form.user, by="reset"
        )
        end_other_sessions_and_tokens(form.user, request=self.request)
        return response

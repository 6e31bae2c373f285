"""Pages of brute-force protection: password reset with a request limit, and the staff page of
current lockouts with an "Unlock" button each (accounts.lockout holds the logic)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import lockout


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with at most AXES_FAILURE_LIMIT requests per address and AXES_IP_FAILURE_LIMIT per
    client address in the cool-off: more answer 429 saying when to try again (nothing is sent)."""

    def form_valid(self, form):
        if (wait := lockout.limit(self.request, "password_reset", form.cleaned_data["email"])) is not None:
            form.add_error(None, lockout.wait_message(wait))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().form_valid(form)


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    """Staff: accounts and addresses locked now; POST `lock` (an id from the list) unlocks one."""
    if not lockout.may_unlock(request.user):
        raise PermissionDenied(_("Only staff may see and lift lockouts."))
    if request.method == "POST":
        lock = lockout.find_lock(request.POST.get("lock", ""))
        if lock is None:
            raise Http404(_("This lock has ended already."))
        lockout.unlock(lock, by=request.user, request=request)
        messages.success(request, _("Unlocked: %(key)s.") % {"key": lock.key})
        return redirect("accounts:lockouts")
    return render(request, "accounts/lockouts.html", {"locks": lockout.current_locks()})

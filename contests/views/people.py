"""Who runs a contest: organisers, jurors and grant officers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contests import services
from contests.forms import (
    RoleGrantForm,
)
from contests.models import Contest, ContestRole
from contests.views.access import contest_for

# --- people: organisers, jurors and grant officers --------------------------------------


@login_required
def contest_people(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_for(request, pk, perm="contests.manage_roles")
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person, role = form.user, form.cleaned_data["role"]
        names = {"person": person, "role": ContestRole.Role(role).label}
        if contest.roles.filter(user=person, role=role).exists():
            messages.info(
                request,
                _("%(person)s already has the role “%(role)s” in this contest.") % names,
            )
        else:
            services.grant_role(contest, user=person, role=role, by=request.user)
            messages.success(
                request,
                _("%(person)s now has the role “%(role)s” in this contest.") % names,
            )
        return redirect("contests:people", pk=pk)
    roles = list(contest.roles.select_related("user").order_by("user__full_name", "user__email"))
    groups = [
        {"role": role, "label": label, "people": [r for r in roles if r.role == role]}
        for role, label in ContestRole.Role.choices
    ]
    return render(request, "contests/people.html", {"contest": contest, "form": form, "groups": groups})


@login_required
@require_POST
def contest_role_remove(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    contest = contest_for(request, pk, perm="contests.manage_roles")
    contest_role = get_object_or_404(ContestRole.objects.select_related("user"), pk=role_pk, contest=contest)
    try:
        services.revoke_role(contest, user=contest_role.user, role=contest_role.role, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("contests:people", pk=pk)
    messages.success(
        request,
        _("%(person)s no longer has the role “%(role)s” in this contest.")
        % {"person": contest_role.user, "role": contest_role.get_role_display()},
    )
    if not request.user.has_perm("contests.manage_roles", Contest.objects.get(pk=pk)):
        return redirect("contests:organise")  # they removed themselves
    return redirect("contests:people", pk=pk)

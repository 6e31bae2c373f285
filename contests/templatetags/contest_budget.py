"""`{% grant_budget_form contest %}`: the small form that changes a contest's grant budget, for
organisers and grant officers until the contest is archived; nothing for anyone else."""

from django import template

from contests import services
from contests.forms import GrantBudgetForm

register = template.Library()


@register.inclusion_tag("contests/partials/grant_budget_form.html", takes_context=True)
def grant_budget_form(context, contest) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = (
        user is not None
        and user.has_perm("contests.change_grant_budget", contest)
        and not services.grant_budget_problems(contest)
    )
    return {
        "shown": shown,
        "contest": contest,
        "form": GrantBudgetForm(initial={"grant_budget": contest.grant_budget}, prefix=None)
        if shown
        else None,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }

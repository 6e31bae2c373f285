"""Demo data of the project cards and work plans (`manage.py seed_demo`): every running grant of
the demo gets a card with a second funding source and a plan of three activities, one done with
its evidence and one late. Invented people; idempotent (a grant with a card is left alone)."""

from datetime import timedelta
from decimal import Decimal

from accounts.models import User
from core import clock
from grants.models import Grant, ProjectCard
from grants.services import work_plan
from grants.workplan_selectors import month_after

DEMO_CONTEST_MARK = "(демо"


def _author(grant: Grant) -> User | None:
    member = User.objects.filter(memberships__organisation=grant.application.organisation_id).order_by("pk")
    return member.first() or grant.created_by


def _seed_grant(grant: Grant, by: User) -> None:
    today = clock.local(clock.now(), grant.contest.time_zone).date()
    first, last = grant.starts_on.replace(day=1), grant.ends_on.replace(day=1)
    second = min(month_after(first), last)
    work_plan.save_card(
        grant,
        by=by,
        organiser=grant.application.organisation.name,
        manager_name="Олена Демонстраційна",
        manager_position="Завідувачка відділу обслуговування",
        manager_contact="olena.demo@example.org",
        funding_sources=[{"name": "Кошти громади (співфінансування)", "amount": Decimal("15000.00")}],
    )
    done = work_plan.add_activity(
        grant,
        by=by,
        title="Закупівля ноутбуків і проєктора",
        responsible="Олена Демонстраційна",
        start_month=first,
        end_month=first,
        deadline=max(grant.starts_on, first) + timedelta(days=25),
    )
    work_plan.complete_activity(done, by=by, note="Обладнання отримано, акт приймання підписано.")
    work_plan.add_activity(
        grant,
        by=by,
        title="Навчання відвідувачів: е-послуги для старших людей",
        responsible="Петро Вигаданий",
        start_month=first,
        end_month=second,
        deadline=max(today - timedelta(days=3), first),  # passed: late on the officer's dashboard
    )
    work_plan.add_activity(
        grant,
        by=by,
        title="Підсумкова зустріч із громадою",
        responsible="Олена Демонстраційна",
        start_month=last,
        end_month=last,
        deadline=grant.ends_on,
    )


def seed() -> list[str]:
    created = []
    grants = (
        Grant.objects.filter(state__in=Grant.LIVE_STATES, contest__title__contains=DEMO_CONTEST_MARK)
        .exclude(pk__in=ProjectCard.objects.values("grant"))
        .select_related("contest", "application__organisation")
        .order_by("pk")
    )
    for grant in grants:
        author = _author(grant)
        if author is None:
            continue
        _seed_grant(grant, author)
        title = grant.application.title
        created.append(f"Project card and work plan (3 activities, one late) for «{title}».")
    return created

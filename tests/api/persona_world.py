"""One world for the persona matrix (tests/api/test_matrix_personas.py): two contests of one
organiser, one in review and one with grants, another organiser's contest, and a person for each
persona. Every person and library is invented.

review contest R (organiser O, in review, round open, 1 juror per application)
    A  application of library X (under review; an attachment, a proposed award decision)
    B  application of library Y (under review)
    jurors: assigned (reviews A), unassigned (no review), conflicted (reviews B; declared a
    conflict of interest with X)
grant contest GC (organiser O, announced; grant officer G)
    grant of X: active, bank details entered by X, a tranche scheduled, reports due; a draft case
    in the depository
    grant of Z: offered
other contest C2 (organiser O2, published)
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from axes.models import AccessAttempt
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts import security_log, tokens
from accounts import services as accounts_services
from accounts.models import ImportJob, Organisation, User
from applications.models import Application, Attachment
from awards import services as awards_services
from contests.models import Contest, ContestRole
from depository.models import Practice
from grants import services as grants_services
from grants.iban import make_ua_iban
from notifications.models import Message
from reports import selectors as reports_selectors
from review import services as review_services
from review.models import Round
from tests.api.persona_parts import parts
from tests.factories import (
    ClassifierFactory,
    ContestFactory,
    NominationFactory,
    OrganisationFactory,
    UserFactory,
    contest_in_state,
    grant,
)
from tests.grants.conftest import pdf
from tests.review.factories import ApplicationFactory
from webhooks import services as webhooks_services
from webhooks.models import SUBSCRIBABLE

PERSONAS = (
    "anonymous",
    "applicant",
    "other_applicant",
    "assigned_juror",
    "unassigned_juror",
    "conflicted_juror",
    "organiser",
    "other_organiser",
    "grant_officer",
    "other_grantee",
    "staff",
)


@dataclass
class World:
    people: dict[str, User | None] = field(default_factory=dict)
    # Path-parameter values per resource ("applications" -> A's id, ...), see persona_table.
    ids: dict[str, int | str] = field(default_factory=dict)


def _member(organisation: Organisation, name: str) -> User:
    user = UserFactory(full_name=name)
    organisation.memberships.create(user=user, is_admin=True)
    return user


def build_world() -> World:
    """Make the world through the services where they exist (so rows are as real ones are)."""
    people: dict[str, User | None] = {"anonymous": None}
    organiser = people["organiser"] = UserFactory(full_name="Організаторка Основна")
    people["staff"] = UserFactory(full_name="Персонал Сайту", is_staff=True)
    x, y, z = (OrganisationFactory(name=f"Бібліотека {n}") for n in ("Ікс", "Ігрек", "Зет"))
    applicant = people["applicant"] = _member(x, "Заявниця Ікс")
    people["other_applicant"] = _member(y, "Заявник Ігрек")
    other_grantee = people["other_grantee"] = _member(z, "Грантоотримувачка Зет")

    # The review contest: two applications under review, three jurors.
    review_contest = contest_in_state(Contest.State.CLOSED, organiser)
    nomination = review_contest.nominations.get()
    a = ApplicationFactory(contest=review_contest, nomination=nomination, organisation=x)
    b = ApplicationFactory(contest=review_contest, nomination=nomination, organisation=y)
    jurors = {}
    for persona, name in (
        ("assigned_juror", "Суддя Призначений"),
        ("unassigned_juror", "Суддя Без Заявок"),
        ("conflicted_juror", "Суддя З Конфліктом"),
    ):
        people[persona] = UserFactory(full_name=name)
        jurors[persona] = review_services.add_juror(review_contest, user=people[persona], by=organiser)
    review_services.start_contest_review(review_contest, by=organiser)
    round_ = review_contest.review_rounds.get()
    Round.objects.filter(pk=round_.pk).update(
        reviewers_per_application=1, due_at=timezone.now() + timedelta(days=5)
    )
    round_ = review_services.open_round(Round.objects.get(pk=round_.pk), by=organiser)
    review_a, _review_b = review_services.assign(
        round_, [(jurors["assigned_juror"], a), (jurors["conflicted_juror"], b)], by=organiser
    )
    declaration = review_services.declare_organisation_conflict(
        jurors["conflicted_juror"], organisation=x, note="Колишня працівниця", by=people["conflicted_juror"]
    )
    a.refresh_from_db()
    attachment = Attachment.objects.create(
        application=a,
        field_key=review_contest.form_fields.first().key,
        file=ContentFile(b"%PDF-1.4\n% invented\n", name="plan.pdf"),
        original_name="plan.pdf",
        kind="pdf",
        size=20,
        sha256="0" * 64,
        uploaded_by=applicant,
    )
    decision = awards_services.propose(a, by=organiser, reason="Найкраща", citation="За цифрові навички")
    classifier = ClassifierFactory()
    review_contest.classifiers.add(classifier)

    # Another organiser's contest.
    other_organiser = people["other_organiser"] = UserFactory(full_name="Організатор Інший")
    other_contest = contest_in_state(Contest.State.PUBLISHED, other_organiser)

    # The grant contest, announced: X's grant is active, Z's offered.
    grant_contest = ContestFactory(grant_budget=Decimal("100000.00"), state=Contest.State.ANNOUNCED)
    grant_nomination = NominationFactory(contest=grant_contest)
    grant(grant_contest, organiser)
    officer = people["grant_officer"] = UserFactory(full_name="Грантова Офіцерка")
    grant(grant_contest, officer, ContestRole.Role.GRANT_OFFICER)
    awarded = {}
    for organisation in (x, z):
        application = Application.objects.create(
            organisation=organisation,
            contest=grant_contest,
            nomination=grant_nomination,
            title="Цифровий простір",
        )
        Application.objects.filter(pk=application.pk).update(state=Application.State.AWARDED)
        awarded[organisation.pk] = Application.objects.get(pk=application.pk)

    def offer(application: Application):
        return grants_services.offer_grant(
            application,
            by=officer,
            amount=Decimal("40000.00"),
            purpose="Ноутбуки і навчання",
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 12, 31),
        )

    grant_x = offer(awarded[x.pk])
    grant_x = grants_services.update_bank_details(
        grant_x,
        by=applicant,
        payee_name="ПБ Ікс",
        payee_bank="Тестбанк",
        payee_iban=make_ua_iban("322001", "26007233566001"),
    )
    grant_x = grants_services.sign_agreement(
        grant_x, by=officer, signed_copy=pdf(), signed_on=date(2025, 1, 10)
    )
    grant_x = grants_services.activate_grant(grant_x, by=officer)
    tranche = grants_services.schedule_tranche(
        grant_x, by=officer, planned_on=date(2025, 2, 1), amount="10000.00"
    )
    grant_z = offer(awarded[z.pk])
    practice = Practice.objects.create(
        application=awarded[x.pk],
        contest=grant_contest,
        nomination=grant_nomination,
        title="Цифровий простір",
        selected_by=organiser,
    )

    job = ImportJob.objects.create(kind=ImportJob.Kind.ORGANISATIONS, created_by=organiser)
    invitation = accounts_services.invite(
        "juror", email="new.juror@example.org", by=organiser, target=review_contest
    )
    inbox = Message.objects.filter(user=applicant, channel=Message.Channel.INAPP).first()
    if inbox is None:  # the services above told the applicant nothing in the app
        inbox = Message.objects.create(
            batch=uuid.uuid4(),
            event="matrix.test",
            channel=Message.Channel.INAPP,
            user=applicant,
            recipient_key=f"user:{applicant.pk}",
        )
    chart = next(iter(reports_selectors.dashboard(review_contest).charts))
    token, _key = tokens.issue(applicant, name="Скрипт звітів")
    event = security_log.record(security_log.Kind.LOGIN_FAILED, user=applicant)
    locked = "locked.person@example.org"  # an account locked after too many failed logins
    AccessAttempt.objects.create(
        username=locked,
        ip_address="203.0.113.7",
        user_agent="matrix",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
    accounts_services.add_organiser(organiser)  # in the Organisers group, so staff can remove it
    # X's endpoint hears of every event (the matrix's steps write deliveries, rolled back unsent).
    webhook, _secret = webhooks_services.create_endpoint(
        x, url="https://127.0.0.1:9/konkurs", events=[e for e, _l in SUBSCRIBABLE], by=applicant
    )

    ids = {
        "contest": review_contest.pk,
        "other_contest": other_contest.pk,
        "other_nomination": other_contest.nominations.get().pk,
        "grant_contest": grant_contest.pk,
        "application": a.pk,
        "other_application": b.pk,
        "attachment": attachment.pk,
        "nomination": nomination.pk,
        "criterion": review_contest.criteria.first().pk,
        "form_field": review_contest.form_fields.first().pk,
        "classifier": classifier.pk,
        "organisation": x.pk,
        "other_organisation": y.pk,
        "organiser_user": organiser.pk,
        "invitation": invitation.pk,
        "notification": inbox.pk,
        "import_job": job.pk,
        "round": round_.pk,
        "review": review_a.pk,
        "other_review": _review_b.pk,
        "juror": jurors["assigned_juror"].pk,
        "declaration": declaration.pk,
        "decision": decision.pk,
        "practice": practice.pk,
        "consent_application": awarded[x.pk].pk,
        "grant": grant_x.pk,
        "other_grant": grant_z.pk,
        "tranche": tranche.pk,
        "report": grant_x.reports.order_by("pk").first().pk,
        "chart": chart,
        "token": token.pk,
        "security_event": event.pk,
        "lock": f"account:{locked}",
        "person": applicant.pk,
        "webhook": webhook.pk,
    }
    assert other_grantee and ids["report"]
    for part in parts():  # the apps' own objects (tests/api/persona_parts)
        if hasattr(part, "build"):
            part.build(people, ids)
    return World(people=people, ids=ids)

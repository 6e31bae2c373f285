from django.urls import path

from accounts.api.imports import ImportJobViewSet
from accounts.api.lockouts import LockoutViewSet
from accounts.api.otp import TwoStepResetView
from accounts.api.privacy import MyDataView
from accounts.api.security import SecurityEventViewSet
from accounts.api.tokens import TokenViewSet
from accounts.api.views import (
    ConfirmEmailView,
    InvitationViewSet,
    MeView,
    OrganisationViewSet,
    OrganiserViewSet,
    SignUpView,
    TokenView,
)
from applications.api.views import ApplicationViewSet, LateCodeViewSet
from awards.api import urls as awards_api
from awards.api.opendata import OpenDataContestGrantsView, OpenDataGrantsView, OpenDataSchemaView
from awards.api.views import AwardContestViewSet, DecisionViewSet, ResultsViewSet
from campaigns.api import urls as campaigns_api
from congress.api import urls as congress_api
from contests.api.views import (
    ClassifierViewSet,
    ContestViewSet,
    CriterionViewSet,
    FormFieldViewSet,
    NominationViewSet,
)
from core.api_site import SiteSettingsView
from core.api_version import VersionedAPIRootView
from core.routers import GroupedRouter
from depository.api.manage import DepositoryCaseViewSet, DepositoryConsentViewSet
from depository.api.views import PracticeViewSet
from eservices.api import urls as eservices_api
from grants.api.views import (
    GrantBudgetViewSet,
    GrantIndicatorViewSet,
    GrantReportViewSet,
    GrantTrancheViewSet,
    GrantViewSet,
)
from grants.api.workplan import GrantCardViewSet, PlanActivityViewSet
from mailings.api import urls as mailings_api
from notifications.api.views import NotificationViewSet
from reports.api.analytic import AnalyticReportViewSet
from reports.api.views import ContestDashboardViewSet
from review.api.assignments import AssignmentViewSet
from review.api.imports import JurorImportViewSet
from review.api.organisation_conflicts import OrganisationConflictViewSet
from review.api.views import ConflictViewSet, JurorViewSet, ReviewViewSet, RoundViewSet
from webhooks.api.views import WebhookViewSet

# The newer apps list their own routes (each app's api/urls.py), so adding one touches no other.
APP_APIS = (eservices_api, campaigns_api, congress_api, mailings_api, awards_api)

router = GroupedRouter()
router.APIRootView = VersionedAPIRootView  # GET /api/v1/ says its version
router.register("contests", ContestViewSet, basename="contest")
router.register("nominations", NominationViewSet, basename="nomination")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("form-fields", FormFieldViewSet, basename="formfield")
router.register("classifiers", ClassifierViewSet, basename="classifier")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("organisers", OrganiserViewSet, basename="organiser")
router.register("lockouts", LockoutViewSet, basename="lockout")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("tokens", TokenViewSet, basename="apitoken")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("applications", ApplicationViewSet, basename="application")
router.register("late-codes", LateCodeViewSet, basename="latecode")
router.register("reviews", ReviewViewSet, basename="review")
router.register("review-rounds", RoundViewSet, basename="round")
router.register("jurors", JurorViewSet, basename="juror")
router.register("review-conflicts", ConflictViewSet, basename="conflict")
router.register("review-assignments", AssignmentViewSet, basename="review-assignment")
router.register("organisation-conflicts", OrganisationConflictViewSet, basename="organisationconflict")
router.register("awards", AwardContestViewSet, basename="award")
router.register("award-decisions", DecisionViewSet, basename="decision")
router.register("results", ResultsViewSet, basename="result")
router.register("practices", PracticeViewSet, basename="practice")
router.register("depository-cases", DepositoryCaseViewSet, basename="depositorycase")
router.register("depository-consents", DepositoryConsentViewSet, basename="depositoryconsent")
router.register("imports", ImportJobViewSet, basename="importjob")
router.register("security-events", SecurityEventViewSet, basename="securityevent")
router.register("juror-imports", JurorImportViewSet, basename="jurorimport")
router.register("contest-dashboards", ContestDashboardViewSet, basename="contestdashboard")
router.register("analytic-reports", AnalyticReportViewSet, basename="analyticreport")
router.register("grants", GrantViewSet, basename="grant")
router.register("grant-tranches", GrantTrancheViewSet, basename="granttranche")
router.register("grant-reports", GrantReportViewSet, basename="grantreport")
router.register("grant-indicators", GrantIndicatorViewSet, basename="grantindicator")
router.register("grant-budgets", GrantBudgetViewSet, basename="grantbudget")
router.register("grant-cards", GrantCardViewSet, basename="grantcard")
router.register("plan-activities", PlanActivityViewSet, basename="planactivity")
router.register("webhooks", WebhookViewSet, basename="webhook")
for app_api in APP_APIS:
    for prefix, viewset, basename in app_api.ROUTES:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/data/", MyDataView.as_view(), name="my_data"),
    path("site/", SiteSettingsView.as_view(), name="site_settings"),
    path("open-data/grants/", OpenDataGrantsView.as_view(), name="open_data_grants"),
    path(
        "open-data/contests/<int:id>/grants/", OpenDataContestGrantsView.as_view(), name="open_data_contest"
    ),
    path("open-data/schema/", OpenDataSchemaView.as_view(), name="open_data_schema"),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("people/<int:pk>/two-step/reset/", TwoStepResetView.as_view(), name="two_step_reset"),
    path("auth/sign-up/", SignUpView.as_view(), name="sign_up"),
    path("auth/confirm-email/", ConfirmEmailView.as_view(), name="confirm_email"),
    *[pattern for app_api in APP_APIS for pattern in app_api.URLPATTERNS],
    router.resolver(),  # each resource's routes looked up by their prefix (core/routers.py)
]

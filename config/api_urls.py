from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api.views import MeView, OrganisationViewSet, TokenView
from applications.api.views import ApplicationViewSet, LateCodeViewSet
from contests.api.views import (
    ClassifierViewSet,
    ContestViewSet,
    CriterionViewSet,
    FormFieldViewSet,
    NominationViewSet,
)
from notifications.api.views import NotificationViewSet

router = DefaultRouter()
router.register("contests", ContestViewSet, basename="contest")
router.register("nominations", NominationViewSet, basename="nomination")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("form-fields", FormFieldViewSet, basename="formfield")
router.register("classifiers", ClassifierViewSet, basename="classifier")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("applications", ApplicationViewSet, basename="application")
router.register("late-codes", LateCodeViewSet, basename="latecode")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("", include(router.urls)),
]

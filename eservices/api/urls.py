"""This app's API: config/api_urls.py registers ROUTES on the one router and adds URLPATTERNS."""

from eservices.api.views import (
    EServiceCategoryViewSet,
    EServiceTotalsViewSet,
    EServiceViewSet,
    EServiceYearViewSet,
)

# (prefix, viewset, basename) for the router.
ROUTES: list[tuple] = [
    ("e-services", EServiceViewSet, "eservice"),
    ("e-service-years", EServiceYearViewSet, "eserviceyear"),
    ("e-service-categories", EServiceCategoryViewSet, "eservicecategory"),
    ("e-service-totals", EServiceTotalsViewSet, "eservicetotal"),
]
URLPATTERNS: list = []

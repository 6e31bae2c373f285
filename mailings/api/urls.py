"""This app's API: config/api_urls.py registers ROUTES on the one router and adds URLPATTERNS."""

from mailings.api.views import MailingViewSet, SubscriptionViewSet

# (prefix, viewset, basename) for the router.
ROUTES: list[tuple] = [
    ("mailings", MailingViewSet, "mailing"),
    ("mailing-subscriptions", SubscriptionViewSet, "mailing-subscription"),
]
URLPATTERNS: list = []

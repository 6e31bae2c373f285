"""This app's API: config/api_urls.py registers ROUTES on the one router and adds URLPATTERNS."""

from congress.api.views import CongressEventViewSet, CongressInvitationViewSet

# (prefix, viewset, basename) for the router.
ROUTES: list[tuple] = [
    ("congress-events", CongressEventViewSet, "congress-event"),
    ("congress-invitations", CongressInvitationViewSet, "congress-invitation"),
]
URLPATTERNS: list = []

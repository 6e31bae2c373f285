"""This app's API: config/api_urls.py registers ROUTES on the one router and adds URLPATTERNS."""

from campaigns.api.views import CampaignReportViewSet, CampaignViewSet, ScheduleViewSet

# (prefix, viewset, basename) for the router.
ROUTES: list[tuple] = [
    ("campaigns", CampaignViewSet, "campaign"),
    ("campaign-reports", CampaignReportViewSet, "campaign-report"),
    ("campaign-schedules", ScheduleViewSet, "campaign-schedule"),
]
URLPATTERNS: list = []

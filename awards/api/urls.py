"""This app's newer API (special awards, documents, issue runs): config/api_urls.py registers
ROUTES on the one router and adds URLPATTERNS."""

from awards.api.special import DocumentViewSet, IssueRunViewSet, SpecialAwardViewSet

# (prefix, viewset, basename) for the router.
ROUTES: list[tuple] = [
    ("special-awards", SpecialAwardViewSet, "specialaward"),
    ("award-documents", DocumentViewSet, "awarddocument"),
    ("issue-runs", IssueRunViewSet, "issuerun"),
]
URLPATTERNS: list = []

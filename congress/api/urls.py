"""This app's API: config/api_urls.py registers ROUTES on the one router and adds URLPATTERNS."""

# (prefix, viewset, basename) for the router.
ROUTES: list[tuple] = []
URLPATTERNS: list = []

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from accounts import views as accounts_views
from core import security_headers
from core.api_docs import ApiDocsView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    # Browsers report Content-Security-Policy violations here; they are logged (core.security_headers).
    path("csp-report/", security_headers.csp_report, name="csp-report"),
    # Choosing a language also saves it in a logged-in person's profile (accounts.views).
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.site_urls")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("applications/", include("applications.urls")),
    path("jury/", include("review.urls")),
    path("", include("awards.urls")),
    path("reports/", include("reports.urls")),
    path("grants/", include("grants.urls")),
    path("jury/", include("review.import_urls")),
    path("", include("depository.urls")),
    path("", include("webhooks.urls")),
    path("e-services/", include("eservices.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("congress/", include("congress.urls")),
    path("mailings/", include("mailings.urls")),
    path("", include("contests.urls")),
]
# Error pages in the site's look and the person's language; JSON under /api/ (core.errors).
# A request whose body cannot be parsed (a file name too long for the form) says so.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
# Uploads are never served by bare URL, not even with DEBUG on (issue 16): private files go
# through the permission-checked download views, the site logo through core.site_views.logo.

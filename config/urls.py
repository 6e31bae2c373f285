from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("applications/", include("applications.urls")),
    path("jury/", include("review.urls")),
    path("", include("awards.urls")),
    path("reports/", include("reports.urls")),
    path("grants/", include("grants.urls")),
    path("jury/", include("review.import_urls")),
    path("", include("depository.urls")),
    path("", include("contests.urls")),
]
# A request whose body cannot be parsed (a file name too long for the form) says so (core.parsing).
handler400 = "core.parsing.bad_request"
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

from django.urls import path

from core import site_views

app_name = "site"

urlpatterns = [
    path("about/", site_views.page, {"kind": "about"}, name="about"),
    path("contacts/", site_views.page, {"kind": "contacts"}, name="contacts"),
    path("accessibility/", site_views.page, {"kind": "accessibility"}, name="accessibility"),
    path("privacy/", site_views.page, {"kind": "privacy"}, name="privacy"),
    path("site/logo/", site_views.logo, name="logo"),
    path("site/settings/", site_views.edit, name="settings"),
]

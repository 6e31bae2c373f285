from django.utils.functional import SimpleLazyObject

from core import site as site_settings


def site(request) -> dict:
    """`site` in every template: the site's name, operator, contacts and logo (core.site)."""
    return {"site": SimpleLazyObject(site_settings.current)}

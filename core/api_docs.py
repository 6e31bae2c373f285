"""The browsable API documentation (Swagger UI from the sidecar package) under the site's
Content-Security-Policy: its start-up script comes from a URL, not inline (drf-spectacular's
split view), and its page style from a file (core/templates/core/api_docs.html)."""

from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView


# Swagger UI's stylesheet draws its icons from data: URLs; only this page allows data: images.
@method_decorator(csp_update({"img-src": ["data:"]}), name="get")
class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "core/api_docs.html"

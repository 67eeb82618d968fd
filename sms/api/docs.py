"""The OpenAPI schema and the Swagger UI page, answering errors in the envelope like every /api/ URL.

drf-spectacular's views render with their own renderers (OpenAPI YAML/JSON, an HTML template).
The exception handler leaves `data` empty and puts the error on the response, which those
renderers cannot show: a 405 or 429 became `null` in an OpenAPI content type, and the HTML
renderer crashed on it (a 500). Errors go through the envelope renderer instead.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response

from sms.api.renderers import EnvelopeJSONRenderer


class EnvelopeErrorsMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            response.accepted_renderer = EnvelopeJSONRenderer()
            response.accepted_media_type = EnvelopeJSONRenderer.media_type
            response.content_type = None
        return response


class SchemaView(EnvelopeErrorsMixin, SpectacularAPIView):
    """GET /api/v1/schema/: the OpenAPI 3 document (YAML, or JSON with ?format=json)."""


class SwaggerView(EnvelopeErrorsMixin, SpectacularSwaggerSplitView):
    """GET /api/v1/docs/: Swagger UI, its initialiser served as a script (the CSP forbids inline ones)."""

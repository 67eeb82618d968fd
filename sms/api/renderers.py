from rest_framework.renderers import JSONRenderer

from sms.api import envelope
from sms.api.exceptions import default_error


class EnvelopeJSONRenderer(JSONRenderer):
    """Wraps every payload in the envelope; 204 bodies stay empty.

    The exception handler stores the error on `response.envelope_error`; a view that returns a
    4xx Response itself (e.g. row results of a failed import) keeps its payload in `data`.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        request = renderer_context.get("request")
        if response is None or request is None:
            return super().render(data, accepted_media_type, renderer_context)
        if response.status_code == 204:
            return b""
        return super().render(self.wrap(request, response, data), accepted_media_type, renderer_context)

    @staticmethod
    def wrap(request, response, data):
        error = getattr(response, "envelope_error", None)
        if error is not None:
            return envelope.failure(request, **error)
        if response.status_code >= 400:
            return envelope.failure(request, data=data, **default_error(response.status_code))
        return envelope.success(request, data)

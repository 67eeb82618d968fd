"""The REST API under /api/v1: one envelope, one base class, tiered rate limits.

Building an endpoint (audit, metrics, ...) on the shared base::

    from sms.api.permissions import IsAdminRole
    from sms.api.views import BaseAPIView, BaseModelViewSet, BaseViewSet

    class AuditTimeline(BaseAPIView):          # non-model endpoint
        permission_classes = [IsAdminRole]     # default: RolePermission (read: any role, write: admin/teacher)
        rate_limit_tier = "read"               # optional; default: read for GET/HEAD/OPTIONS, write otherwise

        def get(self, request):
            return Response({"entries": [...]})  # the renderer wraps it in the envelope

    class EntryViewSet(BaseViewSet, mixins.ListModelMixin):   # or BaseModelViewSet for full CRUD
        queryset = ...; serializer_class = ...; filterset_class = ...  # django-filter FilterSet

Then append a route to sms/api_urls.py (`router.register(...)` or a `path(...)`).

What the base gives every view: token + session authentication (401 without credentials), role
permissions (sms.api.permissions), the envelope renderer (sms.api.renderers) and exception
handler (sms.api.exceptions), `page`/`page_size` pagination (max 200) with
data = {items, total, page, page_size, pages}, DjangoFilterBackend, and the rate-limit tiers
read/write/auth from settings.SMS_API_RATE_LIMITS (sms.api.ratelimit). Raise exceptions
(PermissionDenied, Http404, django or DRF ValidationError) rather than building error responses.
"""

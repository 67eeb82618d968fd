import math

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class EnvelopePagination(PageNumberPagination):
    """`?page=2&page_size=50` (max 200) → data = {items, total, page, page_size, pages}.

    Two queries whatever the page size: COUNT(*) and the page itself (plus the view's prefetches).
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        # DRF ignores a malformed page_size silently; a client asking for "abc" or 0 rows is told so
        # instead of getting 25 rows it did not ask for. Sizes above the maximum are capped.
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":  # absent or left blank, like every other list parameter
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: [_("Enter a whole number of at least 1.")]})
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = _("Rows per page, at most %(max)s (larger values are capped).") % {
                    "max": self.max_page_size}
        return parameters

    def get_paginated_response(self, data):
        total = self.page.paginator.count
        size = self.page.paginator.per_page
        return Response({
            "items": data,
            "total": total,
            "page": self.page.number,
            "page_size": size,
            "pages": math.ceil(total / size) if total else 0,
        })

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["items", "total", "page", "page_size", "pages"],
            "properties": {
                "items": schema,
                "total": {"type": "integer", "example": 120},
                "page": {"type": "integer", "example": 1},
                "page_size": {"type": "integer", "example": 25},
                "pages": {"type": "integer", "example": 5},
            },
        }

import math

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class EnvelopePagination(PageNumberPagination):
    """`?page=2&page_size=50` (max 200) → data = {items, total, page, page_size, pages}.

    Two queries whatever the page size: COUNT(*) and the page itself (plus the view's prefetches).
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

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

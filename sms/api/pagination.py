import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import NotFound, ValidationError
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
        return min(self._whole_number(self.page_size_query_param, raw), self.max_page_size)

    def get_page_number(self, request, paginator):
        """A malformed page or one below 1 is the client's mistake (400, like page_size); a page
        past the end is a page that does not exist (404), saying how many there are."""
        raw = request.query_params.get(self.page_query_param, "")
        if raw == "":
            return 1
        if raw in self.last_page_strings:
            return paginator.num_pages
        number = self._whole_number(self.page_query_param, raw)
        if number > paginator.num_pages:  # the count is needed for the page anyway (and cached)
            pages = math.ceil(paginator.count / paginator.per_page)
            raise NotFound(ngettext(
                "Page %(page)s does not exist: the list has %(pages)s page.",
                "Page %(page)s does not exist: the list has %(pages)s pages.", pages,
            ) % {"page": number, "pages": pages})
        return number

    @staticmethod
    def _whole_number(parameter, raw):
        try:
            number = int(raw)
        except ValueError:  # also a number of more than 4,300 digits
            number = 0
        if number < 1:
            message = _('The parameter "%(parameter)s" must be a whole number of at least 1.')
            raise ValidationError({parameter: [message % {"parameter": parameter}]})
        return number

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

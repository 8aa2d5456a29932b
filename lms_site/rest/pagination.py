from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class EnvelopePageNumberPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (capped); the counts go to `meta.pagination`, the rows to `data`."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response(self, data):
        response = Response(data)
        response.pagination_meta = {
            "page": self.page.number,
            "page_size": self.get_page_size(self.request),
            "count": self.page.paginator.count,
            "pages": self.page.paginator.num_pages,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
        }
        return response

    def get_paginated_response_schema(self, schema):
        # The envelope post-processing hook wraps this in {status, data, meta}.
        return schema

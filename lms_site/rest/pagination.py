from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class EnvelopePageNumberPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (capped); the counts go to `meta.pagination`, the rows to `data`."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # `?page=last` is not in the schema (an integer); it answers 404 like any bad page

    def get_page_size(self, request):
        # DRF silently falls back to the default on a malformed page_size; the schema says integer ≥ 1.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_size_query_param: "A whole number, 1 or more."})
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        # DRF reads a blank or missing `page` as 1; a present one must be a page number.
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_query_param: "A page number, 1 or more."})
        return super().paginate_queryset(queryset, request, view)

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

"""The schema of a paginated answer given by an action that is not a view set's `list` (e.g.
GET /applications/{id}/downloads/): drf-spectacular wraps only `list` in the page's envelope, so
such an action names its envelope with `page_of(RowSerializer, "RowPageSerializer")`."""

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class Pagination(PageNumberPagination):
    """DRF's page numbers (settings DEFAULT_PAGINATION_CLASS), but `page` given twice or empty is
    no page (404, as a page that is not a number), not silently the last one or the first."""

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        given = request.query_params.getlist(self.page_query_param)
        if len(given) > 1 or given == [""]:
            raise NotFound(self.invalid_page_message.format(page_number=",".join(given), message=""))
        return super().get_page_number(request, paginator)


def page_of(row: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """A serializer class (named `name`, so its schema component is unique) with the envelope
    of rest_framework.pagination.PageNumberPagination around `row`s."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "__doc__": f"One page of {row.__name__.removesuffix('Serializer')} rows.",
            "count": serializers.IntegerField(help_text="How many rows in all pages."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null."),
            "results": row(many=True),
        },
    )

"""The schema of a paginated answer given by an action that is not a view set's `list` (e.g.
GET /applications/{id}/downloads/): drf-spectacular wraps only `list` in the page's envelope, so
such an action names its envelope with `page_of(RowSerializer, "RowPageSerializer")`."""

from rest_framework import serializers


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

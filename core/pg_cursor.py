"""The cursor of PostgreSQL connections (config/settings.py): parameters bound by the server, so
that statements run often are prepared, except in a statement with more parameters than the
protocol carries (65,535: a long `IN` list), which goes with its values inlined by the client,
as with client-side binding."""

import psycopg
from django.db.backends.postgresql.base import ServerBindingCursor

MAX_BOUND_PARAMETERS = 65_535


class BoundUnlessTooManyCursor(ServerBindingCursor):
    def execute(self, query, params=None, **kwargs):
        if params is not None and len(params) > MAX_BOUND_PARAMETERS:
            query, params = psycopg.ClientCursor(self.connection).mogrify(query, params), None
        return super().execute(query, params, **kwargs)

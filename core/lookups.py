"""`in` on an integer column ignores values the column cannot hold.

Django already answers "no rows" for `exact`, `gt`, `lt`… given a value outside a column's range
(its IntegerFieldOverflow), but `in` hands such a value to the database driver, which fails
(SQLite: OverflowError; PostgreSQL: NumericValueOutOfRange): a 500 for an id beyond 64 bits in a
request body, e.g. `{"ids": [2**64]}` to mark messages read. No row has such an id, so it is
dropped here, in one place for every `pk__in=`/`id__in=` of the project (issue 16, point 10)."""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)  # no value left: EmptyResultSet, no rows


def install() -> None:
    IntegerField.register_lookup(IntegerIn)

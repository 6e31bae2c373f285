"""`refresh_from_db()` for models with a protected FSMField, safe under threaded workers.

django-fsm-2's `FSMModelMixin.refresh_from_db` lets the reload write the protected state by
switching the *field's* `protected` flag off and on again. The field is shared by every instance
in every thread, so two threads refreshing at once undo each other's switch: one of them then
writes the state with protection on and fails with "Direct state modification is not allowed"
(a 500 to whoever lost the race), and meanwhile other threads may write states directly.

The descriptor only refuses to overwrite a state the instance already holds, so this version
leaves the shared field alone: it takes the protected states out of this one instance, reloads
them with the other fields in one query, and puts them back if the reload fails.
"""

from typing import Any

from django.db import models
from django_fsm import FSMModelMixin


def refresh_from_db(
    self: models.Model, using: str | None = None, fields: Any = None, from_queryset: Any = None
):
    everything = fields is None
    if everything:
        deferred = self.get_deferred_fields()
        fields = [f.attname for f in self._meta.concrete_fields if f.attname not in deferred]
        self._prefetched_objects_cache = {}
    else:
        fields = list(fields)
    held = {
        name: self.__dict__.pop(name)
        for name in self._get_protected_fsm_fields().intersection(fields)
        if name in self.__dict__
    }
    try:
        super(FSMModelMixin, self).refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
    except BaseException:
        for name, value in held.items():
            self.__dict__.setdefault(name, value)
        raise
    if everything:  # what Django clears when it reloads everything, not only the named fields
        for relation in [*self._meta.related_objects, *self._meta.private_fields]:
            if relation.is_relation and relation.is_cached(self):
                relation.delete_cached_value(self)


def install() -> None:
    """Replace django-fsm-2's version for every model (ConcurrentTransitionMixin calls it too)."""
    FSMModelMixin.refresh_from_db = refresh_from_db

"""Python's cyclic garbage collector paused around bulk building of small objects.

The collector runs after every 700 new containers and, now and then, over every object the
process holds. Building a ranking's rows (50,000 tuples unpickled from the cache, 50,000 named
tuples numbered) set it off dozens of times over a heap of hundreds of thousands of objects: at
50,000 applications 120 ms of a 165 ms cached ranking went to collections that found nothing,
since tuples of numbers form no cycles. Paused for that stretch, it runs once afterwards.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collection() -> Iterator[None]:
    """No cyclic collection inside the block; switched back on after it only if it was on before,
    so nested or concurrent blocks (threads share the collector) never leave it off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

"""Demo data of the apps above the one that runs `seed_demo` (awards): each registers a seeder
from its AppConfig.ready(), and `seed_demo` runs them after its own, in order, so the command
never imports an app above it (DESIGN.md's layers)."""

from collections.abc import Callable

# (order, name, seeder); a seeder is idempotent and returns lines saying what it created.
Seeder = Callable[[], list[str]]
_seeders: list[tuple[int, str, Seeder]] = []


def register(order: int, name: str, seeder: Seeder) -> None:
    if all(existing != name for _o, existing, _s in _seeders):
        _seeders.append((order, name, seeder))


def run_registered() -> list[str]:
    created: list[str] = []
    for _order, _name, seeder in sorted(_seeders, key=lambda item: (item[0], item[1])):
        created.extend(seeder())
    return created

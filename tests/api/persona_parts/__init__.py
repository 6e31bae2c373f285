"""Per-app parts of the persona matrix, so an app adds its operations without touching the one big
table: each module here may define

    ALLOWED_TEXT   rows in persona_table's format ("GET /api/v1/x/{id}/: app org staff")
    RESOURCE_OF_ID, PARAMETER, LIST_SCOPE, ID_FIELD, BODIES   merged into persona_table's
    build(people, ids)   adds its objects to the persona world (persona_world.build_world)
    build_fuzz(world)    adds its objects to the fuzzer's world (fuzz_world.build_world)

Modules are taken in name order."""

import importlib
import pkgutil
from types import ModuleType


def parts() -> list[ModuleType]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
    ]

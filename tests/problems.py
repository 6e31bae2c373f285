"""Reading the API's problem details (core.problems) in tests."""

from typing import Any


def errors_under(response: Any, field: str) -> dict[str, list[str]]:
    """The errors of a nested field ({"answers.budget": …} → {"budget": …})."""
    prefix = f"{field}."
    return {k.removeprefix(prefix): v for k, v in response.json()["errors"].items() if k.startswith(prefix)}

from collections.abc import Iterable


class TransitionRefused(Exception):
    """A guard refused a transition for reasons the user can fix (shown to them)."""

    def __init__(self, reasons: Iterable[str]):
        self.reasons = [str(r) for r in reasons]
        super().__init__("; ".join(self.reasons))


def refuse_if(problems: list) -> None:
    """Guard helper for transition bodies: refuse with every reason at once."""
    if problems:
        raise TransitionRefused(problems)

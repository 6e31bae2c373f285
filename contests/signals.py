"""Hooks for higher apps into a contest's transitions, so a step that spans apps (the review
moving eligible applications along) runs in the contest's transaction without contests
importing them (DESIGN's layers)."""

from django.dispatch import Signal

# Sent inside the transaction, after the contest's state changed: sender=Contest, contest, by.
# A receiver that raises rolls the whole step back.
review_started = Signal()
# Sent inside the transaction of `decide` and `announce`, like `review_started` (the awards app
# checks the winners, and on announcement awards them and tells every applicant).
contest_decided = Signal()
contest_announced = Signal()

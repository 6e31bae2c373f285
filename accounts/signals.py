"""Signals of the accounts app, for the apps above it (accounts imports none of them)."""

from django.dispatch import Signal

# Sent inside accept_invitation()'s transaction with `invitation` and `user`: a receiver that
# raises rolls the acceptance back. The review app seats a person invited to a jury.
invitation_accepted = Signal()

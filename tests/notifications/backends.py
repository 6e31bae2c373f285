"""E-mail backends for delivery tests: one that always fails, one that fails on demand."""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server said no")


class FlakyBackend(LocmemBackend):
    """Locmem, except for the addresses in `refuse`, which raise as a broken server would."""

    refuse: set[str] = set()

    def send_messages(self, email_messages):
        for message in email_messages:
            if set(message.to) & self.refuse:
                raise ConnectionResetError("connection reset by peer")
        return super().send_messages(email_messages)


class SlowBackend(LocmemBackend):
    """Locmem that calls `before_send` first (a test moves the clock there: a slow server)."""

    before_send = staticmethod(lambda: None)

    def send_messages(self, email_messages):
        type(self).before_send()
        return super().send_messages(email_messages)

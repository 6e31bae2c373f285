"""Signing up on the web: the account works once the e-mailed link is followed (issue 16: the
sign-up page answers the same whether or not the address has an account)."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse


def confirmation_link() -> str:
    """The path (with its `next`) of the link in the last e-mail sent."""
    return re.search(r"/accounts/confirm/\S+", mail.outbox[-1].body).group(0)


def sign_up_and_confirm(client: Client, data: dict, capture, *, url: str = ""):
    """POST the sign-up form, then the e-mailed link's button: the response of the latter (a
    redirect to `next`, or to registering an organisation)."""
    with capture(execute=True):
        page = client.post(url or reverse("accounts:signup"), data)
    assert page.status_code == 200 and "Check your e-mail" in page.content.decode(), page.status_code
    return client.post(confirmation_link())

import pytest
from django.test import Client


@pytest.fixture
def web():
    """web(user=None) -> a Django test Client, logged in as `user` when given."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make

"""A real S3 endpoint for tests: moto's threaded server on 127.0.0.1, pure Python.

Import the fixtures into a test module (pytest finds fixtures by name in the module):

    from tests.applications import s3

    moto_s3, s3_bucket, s3_storage = s3.moto_s3, s3.s3_bucket, s3.s3_storage

`s3_storage` switches Django's default storage to django-storages' S3Storage against the
server for one test; the `setting_changed` handler resets `default_storage`, which every
FileField without its own storage holds (a lazy object), so models pick the change up.
"""

import logging
import socket
import uuid
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

ACCESS_KEY = "test"
SECRET_KEY = "test"
REGION = "us-east-1"
PRESIGNED_SECONDS = 300


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class MotoS3:
    endpoint_url: str

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )


@dataclass
class Bucket:
    name: str
    s3: MotoS3

    @property
    def client(self):
        return self.s3.client()

    def object_keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def plain_url(self, key: str) -> str:
        return f"{self.s3.endpoint_url}/{self.name}/{key}"


@pytest.fixture(scope="session")
def moto_s3():
    """One moto server for the session; stopped at its end."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield MotoS3(endpoint_url=f"http://{host}:{port}")
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(moto_s3) -> Bucket:
    """A fresh private bucket per test, emptied and removed afterwards."""
    bucket = Bucket(name=f"konkurs-test-{uuid.uuid4().hex[:12]}", s3=moto_s3)
    client = moto_s3.client()
    client.create_bucket(Bucket=bucket.name, ACL="private")
    yield bucket
    for key in bucket.object_keys():
        client.delete_object(Bucket=bucket.name, Key=key)
    client.delete_bucket(Bucket=bucket.name)


def s3_storage_settings(bucket: Bucket) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket.name,
            "endpoint_url": bucket.s3.endpoint_url,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "region_name": REGION,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": PRESIGNED_SECONDS,
            "file_overwrite": False,
        },
    }


@pytest.fixture
def s3_storage(settings, s3_bucket) -> Bucket:
    """Django's default storage is the private bucket for this test (restored after it)."""
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(s3_bucket)}
    settings.AWS_QUERYSTRING_EXPIRE = PRESIGNED_SECONDS
    return s3_bucket

"""config.settings read from the environment: embedded defaults, and production when told.

Each case imports the settings module in a fresh interpreter with a clean environment, so
neither the test run's own settings nor the developer's shell leak in.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import json
from config import settings as s
print(json.dumps({
    "debug": s.DEBUG,
    "engine": s.DATABASES["default"]["ENGINE"],
    "db_name": str(s.DATABASES["default"]["NAME"]),
    "storage": s.STORAGES["default"]["BACKEND"],
    "staticfiles": s.STORAGES["staticfiles"]["BACKEND"],
    "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "broker": s.CELERY_BROKER_URL,
    "email_backend": s.EMAIL_BACKEND,
    "email_path": str(getattr(s, "EMAIL_FILE_PATH", "")),
    "language": s.LANGUAGE_CODE,
    "time_zone": s.TIME_ZONE,
    "allowed_hosts": s.ALLOWED_HOSTS,
    "session_cookie_secure": s.SESSION_COOKIE_SECURE,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "hsts": s.SECURE_HSTS_SECONDS,
    "bucket": s.AWS_STORAGE_BUCKET_NAME,
}))
"""


def settings_with(**environment: str) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(autouse=True)
def _no_dotenv():
    if (BASE_DIR / ".env").exists():
        pytest.skip("a local .env file sets variables; these tests need a clean environment")


def test_embedded_defaults_with_nothing_set():
    s = settings_with()
    assert s["debug"] is True
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["db_name"].endswith("var/konkurs.sqlite3")
    assert s["storage"] == "django.core.files.storage.FileSystemStorage"
    assert s["eager"] is True
    assert s["broker"] == "memory://"
    assert s["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert s["email_path"].endswith("var/mail")
    assert s["language"] == "uk"
    assert s["time_zone"] == "Europe/Kyiv"
    assert s["bucket"] == ""


def test_production_from_environment():
    s = settings_with(
        DEBUG="false",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="konkurs.example.org",
        DATABASE_URL="postgres://konkurs@db.example.org:5432/konkurs",
        CELERY_BROKER_URL="redis://broker.example.org:6379/0",
        AWS_STORAGE_BUCKET_NAME="konkurs-files",
        EMAIL_URL="smtp://mail.example.org:587",
    )
    assert s["debug"] is False
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["storage"] == "storages.backends.s3.S3Storage"
    assert s["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert s["eager"] is False
    assert s["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["allowed_hosts"] == ["konkurs.example.org"]
    assert s["session_cookie_secure"] is True
    assert s["ssl_redirect"] is True
    assert s["hsts"] > 0


def test_production_needs_a_secret_key():
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DEBUG": "false"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr

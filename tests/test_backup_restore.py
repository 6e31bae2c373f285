"""Backup and restore (core/backup.py, `manage.py backup` / `restore`, `make backup` / `restore`).

The drill (PostgreSQL) runs what an operator runs, each in its own process: seed the demo into a
fresh database, back it up, restore it into another new database, then verify the published
results and the grants' audit chain there and count every table against the source. The other
tests need no database: the media listing, the choice of pg_dump and a damaged backup.
"""

import hashlib
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from django.core.files.storage import FileSystemStorage
from psycopg import sql

from core import backup

BASE_DIR = Path(__file__).resolve().parent.parent
POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "konkurs_nowhere", "HOST": "127.0.0.1"}


# --- the drill --------------------------------------------------------------------------------------


def _url(name: str) -> str:
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _counts(url: str) -> dict[str, int]:
    """Every table's rows, counted here independently of core.backup."""
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        return {
            f"{schema}.{table}": conn.execute(
                sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
            ).fetchone()[0]
            for schema, table in tables
        }


@pytest.fixture
def drill(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.fail("The backup drill needs PostgreSQL: run it with DATABASE_URL set (CI's PostgreSQL pass).")
    names = {"src": f"konkurs_drill_src_{os.getpid()}", "dst": f"konkurs_drill_dst_{os.getpid()}"}
    maintenance = _url("postgres")

    def drop():
        with psycopg.connect(maintenance, autocommit=True) as conn:
            for name in names.values():
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    drop()
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(names["src"])))
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"AWS_STORAGE_BUCKET_NAME", "CACHE_URL", "EMAIL_URL", "CELERY_BROKER_URL", "BACKUP_DIR"}
    }
    environment.update(
        MEDIA_ROOT=str(tmp_path / "media"), EMAIL_FILE_PATH=str(tmp_path / "mail"), LANGUAGE_CODE="en"
    )

    def manage(database: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**environment, "DATABASE_URL": _url(names[database])},
            capture_output=True,
            text=True,
            timeout=120,
        )

    yield manage, {key: _url(name) for key, name in names.items()}, tmp_path
    drop()


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.postgres
def test_a_seeded_demo_comes_back_whole_in_a_new_database(drill):
    manage, urls, tmp_path = drill
    _ok(manage("src", "migrate", "--noinput", "-v0"))
    _ok(manage("src", "seed_demo"))

    out = _ok(manage("src", "backup", "--dir", str(tmp_path / "backups")))
    folder = tmp_path / "backups" / out.strip().splitlines()[-1]
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = (folder / "media.sha256").read_text().splitlines()
    assert manifest["media"]["files"] == len(listed) > 0

    out = _ok(manage("dst", "restore", str(folder)))
    assert "Every table holds exactly the rows it held when backed up." in out
    assert f"Media: {len(listed)} listed files found, 0 missing, 0 changed" in out

    source, restored = _counts(urls["src"]), _counts(urls["dst"])
    assert restored == source == manifest["tables"]
    for table in ["grants_grant", "grants_auditentry", "awards_publishedresults", "review_score"]:
        assert restored[f"public.{table}"] > 0, table

    assert "Audit chain intact" in _ok(manage("dst", "verify_grant_audit"))
    with psycopg.connect(urls["dst"]) as conn:
        published = conn.execute("SELECT file, sha256 FROM awards_publishedresults").fetchall()
    assert published
    for name, sha256 in published:
        path = tmp_path / "media" / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256
        assert _ok(manage("dst", "verify_results", str(path))).startswith("OK: the published ranking")

    # A database that already holds tables is never overwritten by accident.
    refused = manage("dst", "restore", str(folder))
    assert refused.returncode == 1
    assert "already holds" in refused.stderr and "--clean" in refused.stderr

    # Media that went missing or changed since the backup are named, and the restore fails.
    changed, missing = (line.split("  ", 1)[1] for line in listed[:2])
    with (tmp_path / "media" / changed).open("ab") as file:
        file.write(b"tampered")
    (tmp_path / "media" / missing).unlink()
    result = manage("dst", "restore", "--clean", str(folder))
    assert result.returncode == 1
    assert "Every table holds exactly the rows it held when backed up." in result.stdout
    assert f"Missing media files:\n  {missing}\n" in result.stderr
    assert f"Changed media files (checksum differs):\n  {changed}\n" in result.stderr
    assert _counts(urls["dst"]) == source


# --- no database needed -------------------------------------------------------------------------------


def test_the_media_check_names_missing_changed_and_newer_files(tmp_path):
    storage = FileSystemStorage(location=tmp_path / "media")
    for name, content in [("a.pdf", b"a"), ("deep/er/b.png", b"b"), ("c.json", b"c")]:
        storage.save(name, _file(content))
    listing = tmp_path / "media.sha256"
    assert backup.write_listing(storage, listing) == (3, 3)
    assert f"{hashlib.sha256(b'b').hexdigest()}  deep/er/b.png" in listing.read_text().splitlines()
    assert backup.check_media(storage, listing).ok

    storage.delete("a.pdf")
    (tmp_path / "media" / "deep/er/b.png").write_bytes(b"B")
    storage.save("d.txt", _file(b"d"))
    report = backup.check_media(storage, listing)
    assert (report.missing, report.changed, report.unlisted, report.checked) == (
        ["a.pdf"],
        ["deep/er/b.png"],
        ["d.txt"],
        2,
    )
    assert not report.ok


def test_an_empty_media_root_lists_nothing(tmp_path):
    storage = FileSystemStorage(location=tmp_path / "never-created")
    assert backup.write_listing(storage, tmp_path / "media.sha256") == (0, 0)


def _file(content: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(content)


def _fake_tool(directory: Path, name: str, version: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    path.chmod(0o755)


def test_pg_dump_older_than_the_server_is_refused_with_what_to_install(tmp_path, monkeypatch):
    _fake_tool(tmp_path / "old", "pg_dump", "14.11")
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path / "old"))
    with pytest.raises(backup.BackupError, match=r"pg_dump 15 or newer.*14\.11.*postgresql-client-15"):
        backup.find_tool("pg_dump", 15)

    _fake_tool(tmp_path / "new", "pg_dump", "17.2")
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path / "new"))
    assert backup.find_tool("pg_dump", 15) == (tmp_path / "new" / "pg_dump", "17.2")


def test_a_damaged_dump_is_refused_before_touching_any_database(tmp_path):
    folder = tmp_path / "20250101T000000Z-konkurs"
    folder.mkdir()
    (folder / "database.dump").write_bytes(b"PGDMP truncated")
    manifest = {
        "format": backup.FORMAT,
        "database": {"file": "database.dump", "sha256": hashlib.sha256(b"PGDMP whole").hexdigest()},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    # POSTGRES names a server nobody runs: reaching it would fail differently.
    with pytest.raises(backup.BackupError, match="the backup is damaged"):
        backup.restore(folder, POSTGRES, None)


def test_backups_need_postgresql(tmp_path):
    with pytest.raises(backup.BackupError, match="Backups need PostgreSQL"):
        backup.backup({"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}, None, tmp_path)

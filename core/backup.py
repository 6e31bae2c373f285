"""Backups: the PostgreSQL database and a checksummed listing of the media storage.

A backup is one folder (`manage.py backup`, `make backup`):

- `database.dump`: `pg_dump --format=custom` of the database, taken from an exported snapshot;
- `manifest.json`: when, from which server and pg_dump, the dump's SHA-256, and the exact row
  count of every table *in that same snapshot*, so a restore can prove it got every row back;
- `media.sha256`: every file of the media storage (the local MEDIA_ROOT or the S3 bucket, read
  through Django's storage API) with its SHA-256, in `sha256sum` format.

`restore` (`manage.py restore FOLDER`, `make restore`) checks the dump against its checksum,
loads it with pg_restore into a new (or, with `clean`, an existing) database, counts every table
against the manifest and checks the media storage against the listing: missing and changed files
are reported by name. The files themselves are not copied: the bucket (or MEDIA_ROOT) is backed
up by its own versioning or copy, and the listing is what proves that copy complete.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from django.core.files.storage import Storage
from django.utils.translation import gettext as _
from psycopg import sql

FORMAT = "konkurs.backup/1"
DUMP = "database.dump"
MANIFEST = "manifest.json"
LISTING = "media.sha256"
CHUNK = 1024 * 1024
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")
# Django's OPTIONS that are libpq connection parameters, and the variables pg_dump reads them from.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- connecting ---------------------------------------------------------------------------------


def require_postgresql(database: dict[str, Any]) -> None:
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            _(
                "Backups need PostgreSQL: set DATABASE_URL=postgres://… (the embedded SQLite mode is "
                "backed up by copying var/ while the server is stopped)."
            )
        )


def connect(database: dict[str, Any], dbname: str | None = None) -> psycopg.Connection:
    params = {
        "dbname": dbname or database["NAME"],
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
    }
    options = database.get("OPTIONS") or {}
    params.update({key: options[key] for key in LIBPQ_OPTIONS if key in options})
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True)


def tool_environment(database: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the password never appears on a command line."""
    environment = dict(os.environ)
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ]:
        if database.get(key):
            environment[variable] = str(database[key])
    options = database.get("OPTIONS") or {}
    for key, variable in LIBPQ_OPTIONS.items():
        if key in options:
            environment[variable] = str(options[key])
    return environment


# --- pg_dump and pg_restore of the right version --------------------------------------------------


def tool_version(path: str | Path) -> tuple[int, str]:
    """(major, full) version of a PostgreSQL client program, e.g. (15, "15.20")."""
    output = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"(\d+)(?:\.(\d+))?", output)
    if found is None:
        raise BackupError(
            _("Cannot read the version of %(path)s: %(output)r") % {"path": path, "output": output}
        )
    return int(found.group(1)), found.group(0)


def candidates(name: str) -> list[Path]:
    """Where `name` may live: $PG_BIN_DIR alone when set, else Debian's versioned directories
    (oldest first) and then the PATH."""
    if os.environ.get("PG_BIN_DIR"):
        return [Path(os.environ["PG_BIN_DIR"]) / name]
    found = []
    versions = Path("/usr/lib/postgresql")
    if versions.is_dir():
        for directory in sorted(versions.iterdir(), key=lambda p: int(p.name) if p.name.isdigit() else 0):
            if (directory / "bin" / name).is_file():
                found.append(directory / "bin" / name)
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    return found


def find_tool(name: str, at_least: int) -> tuple[Path, str]:
    """The oldest `name` whose major version is at least `at_least` (pg_dump must be as new as the
    server it dumps; pg_restore as new as the pg_dump that wrote the archive)."""
    seen = []
    for path in candidates(name):
        major, full = tool_version(path)
        if major >= at_least:
            return path, full
        seen.append(f"{path} ({full})")
    raise BackupError(
        _(
            "%(name)s %(major)s or newer is needed; found %(seen)s. Install postgresql-client-%(major)s "
            "(PGDG: apt.postgresql.org) or set PG_BIN_DIR to its bin directory."
        )
        % {"name": name, "major": at_least, "seen": ", ".join(seen) or "-"}
    )


# --- the media storage ----------------------------------------------------------------------------


def walk(storage: Storage, directory: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a local MEDIA_ROOT nobody has written to yet
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for name in sorted(directories):
        yield from walk(storage, f"{directory}/{name}" if directory else name)


def checksum(storage: Storage, name: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def write_listing(storage: Storage, path: Path) -> tuple[int, int]:
    """Write `sha256sum`-style lines for every file; return (files, bytes)."""
    files = total = 0
    with path.open("w", encoding="utf-8") as listing:
        for name in walk(storage):
            digest, size = checksum(storage, name)
            listing.write(f"{digest}  {name}\n")
            files += 1
            total += size
    return files, total


def read_listing(path: Path) -> dict[str, str]:
    listed = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split("  ", 1)
            listed[name] = digest
    return listed


@dataclass
class MediaReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)  # newer than the backup: not a fault

    @property
    def ok(self) -> bool:
        return not self.missing and not self.changed


def check_media(storage: Storage, listing: Path) -> MediaReport:
    report = MediaReport()
    listed = read_listing(listing)
    present = set(walk(storage))
    for name, digest in sorted(listed.items()):
        if name not in present:
            report.missing.append(name)
            continue
        report.checked += 1
        if checksum(storage, name)[0] != digest:
            report.changed.append(name)
    report.unlisted = sorted(present - set(listed))
    return report


# --- tables -----------------------------------------------------------------------------------------


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    """The exact row count of every table outside the system schemas, as schema.table."""
    tables = conn.execute(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname <> ALL(%s) ORDER BY 1, 2",
        [list(SYSTEM_SCHEMAS)],
    ).fetchall()
    return {
        f"{schema}.{table}": conn.execute(
            sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        ).fetchone()[0]
        for schema, table in tables
    }


def count_differences(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    differences = []
    for table, rows in sorted(expected.items()):
        if table not in found:
            differences.append(f"{table}: missing (expected {rows} rows)")
        elif found[table] != rows:
            differences.append(f"{table}: {found[table]} rows, expected {rows}")
    return differences


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- backup -----------------------------------------------------------------------------------------


def backup(database: dict[str, Any], storage: Storage, root: Path) -> tuple[Path, dict[str, Any]]:
    """Write a new backup folder under `root`; return it and its manifest.

    The rows are counted and dumped in one snapshot (pg_dump --snapshot), so the manifest's
    counts are exactly what the dump holds, however busy the database is meanwhile. The folder
    is written as NAME.partial and renamed when complete."""
    require_postgresql(database)
    root.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    name = f"{started:%Y%m%dT%H%M%SZ}-{database['NAME']}"
    partial = root / f"{name}.partial"
    partial.mkdir()
    with connect(database) as conn:
        server_major = conn.info.server_version // 10000
        server_version = conn.execute("SHOW server_version").fetchone()[0]
        pg_dump, pg_dump_version = find_tool("pg_dump", server_major)
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = table_counts(conn)
        dump = partial / DUMP
        result = subprocess.run(
            [str(pg_dump), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", "--no-password"],
            env={**tool_environment(database), "PGDATABASE": database["NAME"]},
            capture_output=True,
            text=True,
        )
        conn.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(
            _("pg_dump failed (%(code)s): %(error)s")
            % {"code": result.returncode, "error": result.stderr.strip()}
        )
    files, size = write_listing(storage, partial / LISTING)
    manifest = {
        "format": FORMAT,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "database": {
            "name": database["NAME"],
            "server_version": server_version,
            "pg_dump_version": pg_dump_version,
            "file": DUMP,
            "sha256": file_sha256(dump),
            "size": dump.stat().st_size,
        },
        "tables": counts,
        "media": {
            "storage": f"{type(storage).__module__}.{type(storage).__qualname__}",
            "file": LISTING,
            "files": files,
            "bytes": size,
        },
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    folder = root / name
    partial.rename(folder)
    return folder, manifest


# --- restore ----------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    database: str
    created: bool
    tables: int
    rows: int
    differences: list[str]
    media: MediaReport | None


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(
            _("No readable %(file)s in %(folder)s: %(error)s")
            % {"file": MANIFEST, "folder": folder, "error": error}
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("%(path)s is not a %(format)s manifest.") % {"path": folder / MANIFEST, "format": FORMAT}
        )
    return manifest


def _prepare_target(database: dict[str, Any], *, clean: bool) -> bool:
    """Create the target database when it does not exist (True); refuse one that holds tables
    unless `clean`."""
    name = database["NAME"]
    with connect(database, dbname="postgres") as maintenance:
        if not maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    with connect(database) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname <> ALL(%s)", [list(SYSTEM_SCHEMAS)]
        ).fetchone()[0]
    if tables and not clean:
        raise BackupError(
            _(
                "Database %(name)s already holds %(tables)s tables. Restore into a new database, or pass "
                "--clean (make restore … CLEAN=1) to drop and replace the objects the backup holds."
            )
            % {"name": name, "tables": tables}
        )
    return False


def restore(
    folder: Path, database: dict[str, Any], storage: Storage | None, *, clean: bool = False
) -> RestoreReport:
    """Restore `folder` into `database`; count its tables against the manifest and, unless
    `storage` is None, check the media storage against the listing."""
    require_postgresql(database)
    manifest = read_manifest(folder)
    dump = folder / manifest["database"]["file"]
    if not dump.is_file() or file_sha256(dump) != manifest["database"]["sha256"]:
        raise BackupError(
            _("%(dump)s is missing or does not match the SHA-256 in the manifest: the backup is damaged.")
            % {"dump": dump}
        )
    created = _prepare_target(database, clean=clean)
    with connect(database) as conn:
        server_major = conn.info.server_version // 10000
    dumped_by = int(manifest["database"]["pg_dump_version"].split(".")[0])
    pg_restore, _version = find_tool("pg_restore", max(server_major, dumped_by))
    command = [
        str(pg_restore),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--no-password",
        *(["--clean", "--if-exists"] if clean else []),
        f"--dbname={database['NAME']}",
        str(dump),
    ]
    result = subprocess.run(command, env=tool_environment(database), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            _("pg_restore failed (%(code)s): %(error)s")
            % {"code": result.returncode, "error": result.stderr.strip()}
        )
    with connect(database) as conn:
        counts = table_counts(conn)
    media = None
    if storage is not None:
        media = check_media(storage, folder / manifest["media"]["file"])
    return RestoreReport(
        database=database["NAME"],
        created=created,
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        differences=count_differences(manifest["tables"], counts),
        media=media,
    )

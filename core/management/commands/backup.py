"""`manage.py backup` (`make backup`): the database and a checksummed media listing, in one folder."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.backup import BackupError, backup


def default_root() -> Path:
    return Path(os.environ.get("BACKUP_DIR") or settings.BASE_DIR / "var" / "backups")


class Command(BaseCommand):
    help = (
        "Back up the database of DATABASE_URL (pg_dump, custom format, with every table's row count) "
        "and the media storage's listing with SHA-256 checksums into a timestamped folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help="Where to put the backup folder (default: $BACKUP_DIR, else var/backups).",
        )

    def handle(self, *args, dir: Path | None, **options) -> None:
        try:
            folder, manifest = backup(settings.DATABASES["default"], default_storage, dir or default_root())
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(folder)s: database %(database)s (%(tables)s tables, %(rows)s rows, "
                    "%(size)s bytes, pg_dump %(version)s) and %(files)s media files (%(bytes)s bytes) listed "
                    "with checksums."
                )
                % {
                    "folder": folder,
                    "database": manifest["database"]["name"],
                    "tables": len(manifest["tables"]),
                    "rows": sum(manifest["tables"].values()),
                    "size": manifest["database"]["size"],
                    "version": manifest["database"]["pg_dump_version"],
                    "files": manifest["media"]["files"],
                    "bytes": manifest["media"]["bytes"],
                }
            )
        )
        self.stdout.write(folder.name)

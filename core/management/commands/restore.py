"""`manage.py restore FOLDER` (`make restore BACKUP=… DATABASE_URL=…`): load a backup into a new
database, count every table against the backup and check the media storage against its listing."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.backup import BackupError, restore

SHOWN = 20  # names listed per problem; the count says how many more


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the database of DATABASE_URL (created when missing; an existing "
        "one only with --clean), then compare every table's row count with the backup and the media "
        "storage's files with the backup's checksums. Fails when anything differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="A folder written by `manage.py backup`.")
        parser.add_argument(
            "--clean",
            action="store_true",
            help="Restore into a database that already holds tables, dropping the objects the backup holds.",
        )
        parser.add_argument(
            "--skip-media",
            action="store_true",
            help="Do not check the media storage (when its copy is restored later).",
        )

    def handle(self, *args, folder: Path, clean: bool, skip_media: bool, **options) -> None:
        try:
            report = restore(
                folder,
                settings.DATABASES["default"],
                None if skip_media else default_storage,
                clean=clean,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        problems = []
        if report.created:
            self.stdout.write(
                _("Database %(database)s did not exist: created.") % {"database": report.database}
            )
        self.stdout.write(
            _("Restored %(folder)s into database %(database)s: %(tables)s tables, %(rows)s rows expected.")
            % {"folder": folder, "database": report.database, "tables": report.tables, "rows": report.rows}
        )
        if report.differences:
            problems.append(_("%(n)s tables differ from the backup") % {"n": len(report.differences)})
            self._names(_("Tables that differ:"), report.differences)
        else:
            self.stdout.write(_("Every table holds exactly the rows it held when backed up."))
        media = report.media
        if media is None:
            self.stdout.write(_("Media storage not checked (--skip-media)."))
        else:
            self.stdout.write(
                _(
                    "Media: %(checked)s listed files found, %(missing)s missing, %(changed)s changed, "
                    "%(unlisted)s newer than the backup."
                )
                % {
                    "checked": media.checked,
                    "missing": len(media.missing),
                    "changed": len(media.changed),
                    "unlisted": len(media.unlisted),
                }
            )
            if media.missing:
                problems.append(_("%(n)s media files missing") % {"n": len(media.missing)})
                self._names(_("Missing media files:"), media.missing)
            if media.changed:
                problems.append(_("%(n)s media files changed") % {"n": len(media.changed)})
                self._names(_("Changed media files (checksum differs):"), media.changed)
        if problems:
            raise CommandError(
                _("The database was restored, but it does not match the backup: %(problems)s.")
                % {"problems": "; ".join(problems)}
            )
        self.stdout.write(self.style.SUCCESS(_("Restore verified: database and media match the backup.")))

    def _names(self, title: str, names: list[str]) -> None:
        self.stderr.write(title)
        for name in names[:SHOWN]:
            self.stderr.write(f"  {name}")
        if len(names) > SHOWN:
            self.stderr.write(_("  … and %(n)s more") % {"n": len(names) - SHOWN})

"""The shared body of the import commands: read, preview every row, then import all or nothing."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from accounts import imports
from accounts.models import User
from core.tables import read_table


class ImportCommand(BaseCommand):
    importer: imports.Importer

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="a CSV or XLSX file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row, print the errors, write nothing"
        )
        parser.add_argument("--by", default="", help="e-mail of the account named as the inviter")

    def scope(self, options) -> str:
        return ""

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        by = None
        if options["by"]:
            by = User.objects.filter(email__iexact=options["by"]).first()
            if by is None:
                raise CommandError(f"No account with the e-mail {options['by']}")
        scope = self.scope(options)
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        try:
            table = read_table(upload, self.importer.columns())
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        results = self.importer.preview(table.rows, table.numbers, scope=scope)
        bad = [r for r in results if not r.ok]
        skipped = [r for r in results if r.ok and r.skip]
        for result in bad:
            for key, messages in result.errors.items():
                for message in messages:
                    self.stdout.write(f"row {result.number}, {key}: {message}")
        for result in skipped:
            self.stdout.write(f"row {result.number}: {result.skip}")
        self.stdout.write(f"{len(results)} rows: {len(bad)} with errors, {len(skipped)} to skip")
        if bad:
            raise CommandError("Nothing was imported: correct the rows with errors.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            outcome = imports.import_rows(self.importer, table.rows, table.numbers, scope=scope, by=by)
        except imports.ImportRefused as refused:
            raise CommandError("\n".join(refused.errors)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {outcome['created']} created, {outcome['invited']} invitations sent"
            )
        )

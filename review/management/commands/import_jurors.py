"""import_jurors CONTEST_ID FILE [--dry-run] [--by EMAIL]: a contest's jurors from the shell."""

from django.core.management.base import CommandError

from accounts.management.import_command import ImportCommand
from contests.models import Contest
from review.imports import JURORS, scope_of


class Command(ImportCommand):
    help = "Seat a contest's jurors from a CSV or XLSX table; unknown e-mails are invited (all or nothing)."
    importer = JURORS

    def add_arguments(self, parser) -> None:
        parser.add_argument("contest_id", type=int)
        super().add_arguments(parser)

    def scope(self, options) -> str:
        contest = Contest.objects.filter(pk=options["contest_id"]).first()
        if contest is None:
            raise CommandError(f"No contest {options['contest_id']}")
        return scope_of(contest)

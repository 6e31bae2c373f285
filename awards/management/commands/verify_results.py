"""`manage.py verify_results FILE`: recompute a published ranking from its score matrix alone."""

import hashlib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from awards.verification import MatrixError, verify


class Command(BaseCommand):
    help = "Recompute the ranking from a published score matrix and compare it with the published one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The score matrix (JSON) downloaded from a contest's results page.")

    def handle(self, *args, file: str, **options) -> None:
        try:
            content = Path(file).read_bytes()
            document = json.loads(content)
        except (OSError, ValueError) as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error}
            ) from None
        try:
            outcome = verify(document)
        except MatrixError as error:
            raise CommandError(str(error)) from None
        checksum = hashlib.sha256(content).hexdigest()
        if not outcome.ok:
            raise CommandError(
                _("The ranking does NOT match the scores. First difference: %(difference)s")
                % {"difference": outcome.difference}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "OK: the published ranking of %(applications)s applications follows from its "
                    "%(scores)s reviews (method: %(method)s). SHA-256 of the file: %(checksum)s — "
                    "compare it with the one on the results page."
                )
                % {
                    "applications": outcome.applications,
                    "scores": outcome.scores,
                    "method": outcome.method,
                    "checksum": checksum,
                }
            )
        )
        if outcome.chances:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "OK: the chances of winning follow too (%(replicates)s draws of the reviews, "
                        "seed %(seed)s)."
                    )
                    % outcome.chances
                )
            )

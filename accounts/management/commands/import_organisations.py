"""import_organisations FILE [--dry-run] [--by EMAIL]: the organisations' import from the shell."""

from accounts.imports import ORGANISATIONS
from accounts.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import libraries and other organisations from a CSV or XLSX table (all or nothing)."
    importer = ORGANISATIONS

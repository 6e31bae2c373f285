"""The accounts' steps (core.steps): confirming a checked import. Its other transitions (start,
finish, fail) are the import task's, never a person's."""

from django.utils.translation import gettext_lazy as _

from accounts.imports import confirm_job, confirm_problems
from accounts.models import ImportJob
from core.steps import Catalogue, NoInput, Step

IMPORT_JOB = Catalogue(
    ImportJob,
    [
        Step(
            "confirm",
            confirm_job,
            "accounts.confirm_import",
            _("Confirm the import"),
            NoInput,
            problems=confirm_problems,
        )
    ],
    url_name="accounts:import_step",
)

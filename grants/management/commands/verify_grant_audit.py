from django.core.management.base import BaseCommand, CommandError

from grants.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the grants' audit chain; name the first broken entry and fail if there is one."

    def handle(self, *args, **options) -> None:
        result = verify_chain()
        if not result.ok:
            entry = result.broken
            raise CommandError(
                f"Audit chain broken at entry {entry.pk} ({entry.action}, {entry.at:%Y-%m-%d %H:%M:%S}): "
                f"{result.problem}. {result.checked} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} entries."))

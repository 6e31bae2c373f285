"""grant_organiser EMAIL [--remove]: make an account an organiser (the group Organisers, who may
create contests), or take it out of the group; the staff page and the API do the same."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services


class Command(BaseCommand):
    help = "Make the account with this e-mail address an organiser (may create contests), or --remove it."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The e-mail address of an existing account.")
        parser.add_argument("--remove", action="store_true", help="Take the account out of the organisers.")

    def handle(self, *args, email: str, remove: bool, **options):
        try:
            user = services.user_by_email(email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if remove:
            if services.remove_organiser(user):
                self.stdout.write(self.style.SUCCESS(f"{user.email} is no longer an organiser."))
            else:
                self.stdout.write(f"{user.email} was not an organiser; nothing changed.")
            return
        if services.add_organiser(user):
            self.stdout.write(
                self.style.SUCCESS(f"{user.email} is now an organiser: they may create contests.")
            )
        else:
            self.stdout.write(f"{user.email} is already an organiser; nothing changed.")

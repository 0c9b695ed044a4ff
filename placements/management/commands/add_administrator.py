"""Make someone an administrator from the server's command line, with no second
administrator: how a council gets its first administrators, and a second one when
only one is left to approve the roles that need two."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from placements import services
from placements.models import User
from placements.roles import Role


class Command(BaseCommand):
    help = (
        "Give someone the Administrator role at once (no second administrator needed). "
        "A new person is added and emailed a link to set a password; an existing one is "
        "emailed that their roles changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="their work email address")
        parser.add_argument("--full-name", default="", help="needed to add a new person")

    def handle(self, *args, email, full_name, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address") from error
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            if user is not None and not user.is_active:
                raise CommandError(
                    f"{user.full_name} ({user.email}) is deactivated: "
                    "an administrator must reactivate them first"
                )
            if user is None:
                if not full_name.strip():
                    raise CommandError(f"No one has the address {email}: give --full-name")
                # Invited with no roles (nobody asked, so nothing waits), then made an
                # administrator here: the invitation is their only email.
                user = services.user_invite(
                    full_name=full_name.strip(), email=email, roles=[], actor=None
                )
                services.user_roles_grant_without_second_approval(
                    user=user, roles=[Role.ADMINISTRATOR], source="command line", notify=False
                )
                self.stdout.write(
                    f"Added {user.full_name} ({user.email}) as an administrator and emailed "
                    "them a link to set a password."
                )
                return
            added = services.user_roles_grant_without_second_approval(
                user=user, roles=[Role.ADMINISTRATOR], source="command line"
            )
        if added:
            self.stdout.write(f"{user.full_name} ({user.email}) is now an administrator.")
        else:
            self.stdout.write(f"{user.full_name} ({user.email}) is already an administrator.")

"""Print, apply or check the grants for the app's own PostgreSQL role."""

from django.core.management.base import BaseCommand, CommandError

from placements import database_role


class Command(BaseCommand):
    help = (
        "The grants for the app's PostgreSQL role: read and write on the app's tables, only "
        "read and add on the append-only ones (the chronology, field history, link openings), "
        "owner of nothing. Prints the SQL; --apply runs it (as the tables' owner, after every "
        "migrate); --check only checks the role."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="the app's role, e.g. placements_app")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--apply", action="store_true", help="run the grants, then check")
        action.add_argument("--check", action="store_true", help="check the role's rights only")
        parser.add_argument("--database", default="default")

    def handle(self, *, role, apply, check, database, **options):
        try:
            if check:
                problems = database_role.role_problems(role, using=database)
                if problems:
                    raise CommandError("\n".join(problems))
                self.stdout.write(self._checked(role))
            elif apply:
                statements = database_role.grant(role, using=database)
                self.stdout.write(f"Ran {len(statements)} statements. " + self._checked(role))
            else:
                self.stdout.write("\n".join(database_role.grant_statements(role, using=database)))
        except database_role.RoleError as error:
            raise CommandError(str(error)) from error

    @staticmethod
    def _checked(role: str) -> str:
        tables = ", ".join(database_role.append_only_tables())
        return (
            f"{role} reads and writes the app's tables; on {tables} it may only read and add "
            "rows, and it owns none of them."
        )

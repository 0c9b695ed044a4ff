"""The app's own PostgreSQL role: it reads and writes the app's tables but only reads
and adds rows to the append-only ones, and owns nothing, so it cannot drop or disable
their triggers. The tables' owner (the role that runs `migrate`) grants it with
`manage.py app_database_role` (docs/database-roles.md)."""

import re
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, transaction

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MIGRATIONS_TABLE = "django_migrations"
ORDINARY = ("SELECT", "INSERT", "UPDATE", "DELETE")
APPEND_ONLY = ("SELECT", "INSERT")
# What must never reach the app's role on an append-only table: changing, removing or
# emptying rows, or adding triggers of its own.
REFUSED = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER")


class RoleError(Exception):
    pass


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def append_only_tables() -> list[str]:
    """The tables of models marked `append_only` (their triggers come with migrations)."""
    return sorted(
        model._meta.db_table for model in apps.get_models() if getattr(model, "append_only", False)
    )


@dataclass
class Schema:
    database: str
    schema: str
    tables: list[str]
    sequences: list[str]


def _schema(connection) -> Schema:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        cursor.execute(
            """
            SELECT c.relname, c.relkind FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S')
            ORDER BY c.relname
            """
        )
        rows = cursor.fetchall()
    return Schema(
        database=database,
        schema=schema,
        tables=[name for name, kind in rows if kind in ("r", "p")],
        sequences=[name for name, kind in rows if kind == "S"],
    )


def _postgres(using: str):
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise RoleError(
            f"The app's database role is for PostgreSQL; this database is {connection.vendor}."
        )
    return connection


def _checked_name(role: str) -> str:
    if not ROLE_NAME.match(role):
        raise RoleError(
            "Give the role's name in lower-case letters, digits and underscores, "
            "starting with a letter or underscore."
        )
    return role


def grant_statements(role: str, *, using: str = "default") -> list[str]:
    """The SQL that gives `role` exactly the app's rights on every current table and
    sequence. Safe to run again: it revokes what the role had on them first."""
    connection = _postgres(using)
    role = quote(_checked_name(role))
    found = _schema(connection)
    append_only = set(append_only_tables())
    missing = append_only - set(found.tables)
    if missing:
        raise RoleError(f"Run migrate first: missing tables {', '.join(sorted(missing))}.")
    schema = quote(found.schema)
    sql = [
        f"-- The app's role {role}: run as the tables' owner (who runs migrate), "
        "again after every migrate.",
        f"GRANT CONNECT ON DATABASE {quote(found.database)} TO {role};",
        f"GRANT USAGE ON SCHEMA {schema} TO {role};",
    ]
    rights: tuple[str, ...]
    for table in found.tables:
        sql.append(f"REVOKE ALL ON TABLE {quote(table)} FROM {role};")
        if table in append_only:
            rights = APPEND_ONLY
        elif table == MIGRATIONS_TABLE:
            rights = ("SELECT",)
        else:
            rights = ORDINARY
        sql.append(f"GRANT {', '.join(rights)} ON TABLE {quote(table)} TO {role};")
    for sequence in found.sequences:
        sql.append(f"REVOKE ALL ON SEQUENCE {quote(sequence)} FROM {role};")
        sql.append(f"GRANT USAGE, SELECT ON SEQUENCE {quote(sequence)} TO {role};")
    sql += [
        "-- Tables and sequences a later migrate creates (run this command again after it,",
        "-- so new append-only tables lose UPDATE and DELETE; their triggers refuse both).",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT {', '.join(ORDINARY)} ON TABLES TO {role};",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role};",
    ]
    return sql


def _standing(cursor, role: str) -> list[str]:
    """Problems with who the role is, whatever it has been granted."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
    row = cursor.fetchone()
    if row is None:
        return [f"There is no role {role}: create it first (CREATE ROLE {role} LOGIN ...)."]
    problems = []
    if row[0]:
        problems.append(f"{role} is a superuser: it gets past every trigger.")
    cursor.execute(
        """
        SELECT c.relname FROM pg_class c
        WHERE c.relname = ANY(%s) AND pg_table_is_visible(c.oid)
          AND pg_has_role(%s, c.relowner, 'MEMBER')
        ORDER BY c.relname
        """,
        [append_only_tables(), role],
    )
    owned = [name for (name,) in cursor.fetchall()]
    if owned:
        problems.append(
            f"{role} owns (or is a member of the owner of) {', '.join(owned)}: it could drop "
            "their triggers. Use a role that does not own the tables and is not in the "
            "owner's role."
        )
    return problems


def role_problems(role: str, *, using: str = "default") -> list[str]:
    """Everything that stops `role` from being the app's role: empty when it is right."""
    connection = _postgres(using)
    _checked_name(role)
    found = _schema(connection)
    append_only = set(append_only_tables())
    with connection.cursor() as cursor:
        problems = _standing(cursor, role)
        if problems:
            return problems
        wanted: tuple[str, ...]
        refused: tuple[str, ...]
        for table in found.tables:
            if table in append_only:
                wanted, refused = APPEND_ONLY, REFUSED
            elif table == MIGRATIONS_TABLE:
                wanted, refused = ("SELECT",), ()
            else:
                wanted, refused = ORDINARY, ()
            for right in (*wanted, *refused):
                cursor.execute(
                    "SELECT has_table_privilege(%s, %s, %s)", [role, quote(table), right]
                )
                has = cursor.fetchone()[0]
                if right in refused and has:
                    problems.append(f"{role} may {right} on {table}, which is append-only.")
                elif right not in refused and not has:
                    problems.append(f"{role} may not {right} on {table}: the app needs it.")
    return problems


def grant(role: str, *, using: str = "default") -> list[str]:
    """Give `role` the app's rights, in one transaction, and check them."""
    connection = _postgres(using)
    with connection.cursor() as cursor:
        problems = _standing(cursor, _checked_name(role))
    if problems:
        raise RoleError("\n".join(problems))
    statements = [line for line in grant_statements(role, using=using) if line[:2] != "--"]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    problems = role_problems(role, using=using)
    if problems:
        raise RoleError("\n".join(problems))
    return statements

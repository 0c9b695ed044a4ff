#!/usr/bin/env python3
"""Show that this checkout's migrations keep the data an older revision held.

    python scripts/check_migrations_keep_data.py [BASE] [--scale N] [--allow-gone TABLE]

1. BASE (default: the merge-base of HEAD with main) is checked out into a temporary git
   worktree;
2. in a fresh PostgreSQL database, that code runs `manage.py migrate` and
   `manage.py seed_demo --scale N` (10 unless given);
3. the rows of every table in the public schema are counted, in SQL rather than through
   the models, so a model renamed or moved between apps does not matter;
4. this checkout's `manage.py migrate` runs on the same database;
5. the rows are counted again and printed as "table | before | after";
6. the database is dropped and the worktree removed, whatever happened.

It fails (exit 1) if a table present before lost rows or disappeared; `--allow-gone`
names a table the migrations drop or rename on purpose.

Environment: MIGRATE_CHECK_DB, the database to create (default placements_migrate_check;
it must not exist yet); MIGRATE_CHECK_SERVER, the PostgreSQL server
(default postgres://postgres@127.0.0.1:5432, a role that may create databases); VENV, the
virtualenv whose python runs manage.py (default: the python running this script).
Nothing leaves the machine: tasks run in process, emails and files go to the temporary
directory.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "placements.settings.local"


def git(*args: str) -> str:
    return subprocess.run(  # noqa: S603 (our own arguments, no shell)
        ["git", *args],  # noqa: S607 (git from the PATH, as the developer runs it)
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def default_base() -> str:
    for main in ("main", "origin/main"):
        try:
            return git("merge-base", "HEAD", main)
        except subprocess.CalledProcessError:
            continue
    sys.exit("No branch main to compare with: name the base revision")


def python() -> str:
    venv = os.environ.get("VENV")
    return str((Path(venv) / "bin" / "python").absolute()) if venv else sys.executable


def server() -> str:
    return os.environ.get("MIGRATE_CHECK_SERVER", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def admin(statement: sql.Composable) -> None:
    """Run one statement on the server's maintenance database (outside a transaction,
    as CREATE and DROP DATABASE need)."""
    with psycopg.connect(f"{server()}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def database_exists(name: str) -> bool:
    with psycopg.connect(f"{server()}/postgres") as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def row_counts(name: str) -> dict[str, int]:
    """Every table of the public schema and its rows, by SQL alone."""
    with psycopg.connect(f"{server()}/{name}") as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
            )
        ]
        return {
            table: connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def manage(code: Path, env: dict[str, str], *args: str) -> None:
    """`manage.py ARGS` of the code in `code`; its output is shown only if it fails."""
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        [python(), "manage.py", *args],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.monotonic() - started
    label = "base" if code != ROOT else "this checkout"
    print(f"  {label}: manage.py {' '.join(args)}  ({took:.1f}s)", flush=True)
    if done.returncode:
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed (exit {done.returncode})")


def environment(name: str, scratch: Path, code: Path) -> dict[str, str]:
    """The local settings on the check's database; tasks in process, emails and files in
    the scratch directory, whatever the caller's environment or .env says."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": f"{server()}/{name}",
        "CELERY_BROKER_URL": "",
        "EMAIL_URL": "",
        "EMAIL_OUTBOX_DIR": str(scratch / "outbox"),
        "DJANGO_MEDIA_ROOT": str(scratch / "media"),
        # The code under `code`, not an installed copy of the project, is what runs.
        "PYTHONPATH": str(code),
    }


def report(before: dict[str, int], after: dict[str, int], allowed_gone: set[str]) -> list[str]:
    """Print the table of counts; return what went wrong."""
    problems = []
    rows = []
    for table in sorted(before.keys() | after.keys()):
        was, now = before.get(table), after.get(table)
        note = ""
        if now is None:
            note = "gone (allowed)" if table in allowed_gone else "GONE"
            if table not in allowed_gone:
                problems.append(f"{table} disappeared ({was} rows)")
        elif was is None:
            note = "new"
        elif now < was:
            note = "LOST ROWS"
            problems.append(f"{table} lost {was - now} of {was} rows")
        rows.append(
            (table, "-" if was is None else str(was), "-" if now is None else str(now), note)
        )
    width = max(len("table"), *(len(row[0]) for row in rows))
    print(f"\n{'table':<{width}} | {'before':>7} | {'after':>7}")
    print(f"{'-' * width}-+-{'-' * 7}-+-{'-' * 7}")
    for table, was, now, note in rows:
        print(f"{table:<{width}} | {was:>7} | {now:>7}" + (f"  {note}" if note else ""))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", nargs="?", help="git revision (default: merge-base with main)")
    parser.add_argument("--scale", type=int, default=10, help="seed_demo --scale (default 10)")
    parser.add_argument(
        "--allow-gone",
        action="append",
        default=[],
        metavar="TABLE",
        help="a table the migrations drop or rename on purpose",
    )
    options = parser.parse_args()
    base = git("rev-parse", "--verify", f"{options.base or default_base()}^{{commit}}")
    name = os.environ.get("MIGRATE_CHECK_DB", "placements_migrate_check")
    if not Path(python()).exists():
        sys.exit(f"No python at {python()}: set VENV to the project's virtualenv")
    if database_exists(name):
        sys.exit(f"Database {name} already exists: drop it, or set MIGRATE_CHECK_DB")

    started = time.monotonic()
    print(f"Base {git('log', '-1', '--format=%h %s', base)[:100]}")
    print(f"This checkout {git('log', '-1', '--format=%h %s', 'HEAD')[:100]}")
    with tempfile.TemporaryDirectory(prefix="migrate-check-") as scratch_name:
        scratch = Path(scratch_name)
        worktree = scratch / "base"
        git("worktree", "add", "--detach", "--quiet", str(worktree), base)
        created = False
        try:
            admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            created = True
            print(f"Database {name}")
            base_env = environment(name, scratch, worktree)
            manage(worktree, base_env, "migrate", "--no-input", "-v", "0")
            manage(worktree, base_env, "seed_demo", "--scale", str(options.scale))
            before = row_counts(name)
            manage(ROOT, environment(name, scratch, ROOT), "migrate", "--no-input", "-v", "0")
            after = row_counts(name)
        finally:
            if created:
                admin(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            git("worktree", "remove", "--force", str(worktree))
    problems = report(before, after, set(options.allow_gone))
    total = sum(before.values())
    print(f"\n{len(before)} tables, {total} rows before; {time.monotonic() - started:.0f}s in all")
    if problems:
        print("\nData lost:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print("Every table kept its rows.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Import Ofsted's provider-level data from a file, for a scheduled job:

    manage.py import_ofsted FILE [--dry-run]

The same import as the page's (`services.imports` with `services.ofsted`): every change
or none, with history (source "Ofsted import", no person), alerts for ratings that fall,
Ofsted's record of every setting kept. It prints what changed; it fails, changing
nothing, when a row about a setting in the directory cannot be read."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from placements.services import DomainError
from providers import selectors
from providers.importing.spreadsheet import ImportFileError
from providers.models import ProviderImport
from providers.ofsted.reading import read_ofsted_file
from providers.services import imports


class Command(BaseCommand):
    help = "Import Ofsted's provider-level data (CSV or ODS) and print what changed."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Ofsted's CSV or ODS file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would change; change nothing"
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        if file.stat().st_size > settings.OFSTED_IMPORT_MAX_BYTES:
            raise CommandError(f"{file} is larger than OFSTED_IMPORT_MAX_BYTES")
        try:
            table = read_ofsted_file(
                file.read_bytes(), file.name, max_rows=settings.OFSTED_IMPORT_MAX_ROWS
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        with transaction.atomic():
            job = imports.provider_import_create(
                filename=file.name, table=table, actor=None, kind=ProviderImport.Kind.OFSTED
            )
            result = selectors.ofsted_result(job)
            for row in result.problems:
                where = "in the directory" if row.matched else "not in the directory"
                self.stderr.write(
                    f"Row {row.number} ({row.urn or 'no URN'}, {where}): " + ". ".join(row.problems)
                )
            for change in result.changes:
                what = "; ".join(f"{w}: {b} to {a}" for w, b, a in change.shown())
                flags = " [rating falls]" if change.falls else ""
                flags += " [not operating]" if change.stops_operating else ""
                self.stdout.write(f"{change.provider.name} ({change.row.urn}): {what}{flags}")
            if dry_run:
                transaction.set_rollback(True)
            else:
                try:
                    imports.provider_import_apply(
                        provider_import=job, specialism_decisions={}, actor=None
                    )
                except DomainError as error:
                    raise CommandError(f"{error}. Nothing was changed") from error
        self.stdout.write(
            f"{'Would update' if dry_run else 'Updated'} {_n(len(result.changes), 'setting')} "
            f"({_n(len(result.falls), 'rating')} fell, "
            f"{_n(len(result.stopped), 'registration')} suspended or closed); "
            f"{result.unchanged} already up to date; {len(result.unknown)} not in the "
            f"directory; {_n(len(result.problems), 'row')} not read."
        )


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"

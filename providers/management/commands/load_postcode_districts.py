"""Load the centres of postcode districts, to measure how far from home children are
placed (the dashboard):

    manage.py load_postcode_districts FILE

FILE is a CSV or Excel (.xlsx) file with columns headed Postcode (or District),
Latitude and Longitude, one row a district: the open postcode-districts data. It
replaces what was loaded, or changes nothing and prints each row's problem."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from providers.importing.spreadsheet import ImportFileError, read_table
from providers.services.districts import MAX_ROWS, districts_load


class Command(BaseCommand):
    help = "Load postcode districts' centres (CSV or XLSX: Postcode, Latitude, Longitude)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        try:
            loaded = districts_load(read_table(file.read_bytes(), file.name, max_rows=MAX_ROWS))
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        if loaded.problems:
            for problem in loaded.problems:
                self.stderr.write(problem)
            raise CommandError("Nothing was loaded")
        skipped = f" ({loaded.skipped} without a centre skipped)" if loaded.skipped else ""
        self.stdout.write(f"{loaded.count} postcode districts loaded{skipped}.")

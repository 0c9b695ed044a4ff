"""Reading a provider spreadsheet (CSV or Excel .xlsx) and checking every row.

Nothing here writes; `services.imports` does. The package, by concept:

- `spreadsheet`: reading the file, once, at upload, into a `Table`; keeping that
  table as JSON (`table_to_json`, `table_from_json`) for every later look.
- `columns`: the columns (the export's, `exporting.HEADERS`, so an export re-imports
  cleanly), the Provider field each sets and the upload page's guidance for each.
- `cells`: what one cell's value means (a date, a tier, a list of emails...).
- `checks`: every row checked against the directory as it is now (`check_rows`).
- `results`: what the checks find (`ImportResult`, `ImportRow`, `RowError`...), the
  `Directory` the rows are checked against and the administrator's `SpecialismDecision`.
- `text`: small text rules the others share.
"""

from .checks import check_rows, parse_import
from .columns import COLUMN_GUIDANCE, FIELD_COLUMNS
from .results import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Directory,
    ImportResult,
    ImportRow,
    RowError,
    SpecialismDecision,
    UnknownSpecialism,
)
from .spreadsheet import (
    ImportFileError,
    RawCell,
    Table,
    read_spreadsheet,
    table_from_json,
    table_to_json,
)

__all__ = [
    "COLUMN_GUIDANCE",
    "CREATE",
    "FIELD_COLUMNS",
    "UNCHANGED",
    "UPDATE",
    "Directory",
    "ImportFileError",
    "ImportResult",
    "ImportRow",
    "RawCell",
    "RowError",
    "SpecialismDecision",
    "Table",
    "UnknownSpecialism",
    "check_rows",
    "parse_import",
    "read_spreadsheet",
    "table_from_json",
    "table_to_json",
]

"""Loading the centres of postcode districts (the open postcode-districts data: one row
a district with its latitude and longitude), all or nothing, replacing what was there."""

import math
import re
from dataclasses import dataclass, field

from django.db import transaction

from ..importing.spreadsheet import ImportFileError, Table
from ..models import PostcodeDistrict

DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
CODE_HEADINGS = ("postcode district", "postcode", "district", "code")
MAX_ROWS = 5000  # the UK has about 3,000


@dataclass
class Loaded:
    count: int = 0
    skipped: int = 0  # districts the data gives no centre (non-geographic ones)
    problems: list[str] = field(default_factory=list)


def _column(headers: list[str], names: tuple[str, ...]) -> int:
    lowered = [h.strip().lower() for h in headers]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    raise ImportFileError(f"The file needs a column headed {names[0].capitalize()}")


def _number(value: object, low: float, high: float) -> float | None:
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) and low <= number <= high else None


@transaction.atomic
def districts_load(table: Table) -> Loaded:
    """Every row's district and centre, replacing the table; or, when any row cannot be
    read, nothing, with each row's problem. A row with neither latitude nor longitude (a
    district with no place on the map) is skipped and counted."""
    code_at = _column(table.headers, CODE_HEADINGS)
    lat_at = _column(table.headers, ("latitude",))
    lon_at = _column(table.headers, ("longitude",))
    loaded, centres = Loaded(), {}
    for number, cells in table.rows:
        values = [cell.value if cell.value is not None else "" for cell in cells]
        values += [""] * (max(code_at, lat_at, lon_at) + 1 - len(values))
        code = "".join(str(values[code_at]).upper().split())
        if not str(values[lat_at]).strip() and not str(values[lon_at]).strip():
            loaded.skipped += 1  # in the open data, a district with no centre
            continue
        latitude = _number(values[lat_at], -90, 90)
        longitude = _number(values[lon_at], -180, 180)
        if not DISTRICT.match(code):
            loaded.problems.append(f"Row {number}: “{code[:10]}” is not a postcode district")
        elif latitude is None or longitude is None:
            loaded.problems.append(f"Row {number}: give {code}'s latitude and longitude in degrees")
        elif code in centres:
            loaded.problems.append(f"Row {number}: {code} is given twice")
        else:
            centres[code] = PostcodeDistrict(code=code, latitude=latitude, longitude=longitude)
    if loaded.problems or not centres:
        if not centres and not loaded.problems:
            loaded.problems.append("The file has no districts")
        return loaded
    PostcodeDistrict.objects.all().delete()
    PostcodeDistrict.objects.bulk_create(centres.values(), batch_size=1000)
    loaded.count = len(centres)
    return loaded

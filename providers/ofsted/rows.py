"""What each row of Ofsted's data says: the setting's URN, its rating, its dates and its
registration, each read from the cell as the file gave it, or a problem with the row."""

import datetime as dt
import re
from dataclasses import dataclass, field

from ..importing.spreadsheet import RawCell, Table
from ..models import OfstedRating, RegistrationStatus

URN = re.compile(r"[A-Z]{0,3}\d{4,10}")

# Ofsted's words for a judgement (older files give the grade as a number), as `_words`
# reads them. A blank, "Not yet inspected" or a visit that makes no judgement leaves the
# directory's rating as it is: it is not a new rating.
RATINGS = {
    "outstanding": OfstedRating.OUTSTANDING,
    "1": OfstedRating.OUTSTANDING,
    "good": OfstedRating.GOOD,
    "2": OfstedRating.GOOD,
    "requires improvement": OfstedRating.REQUIRES_IMPROVEMENT,
    "requires improvement to be good": OfstedRating.REQUIRES_IMPROVEMENT,
    "3": OfstedRating.REQUIRES_IMPROVEMENT,
    "inadequate": OfstedRating.INADEQUATE,
    "4": OfstedRating.INADEQUATE,
}
NO_JUDGEMENT = {
    "",
    "not yet inspected",
    "not inspected",
    "no judgement",
    "not applicable",
    "n a",
    "na",
    "null",
    "none",
}
STATUSES = {
    "active": RegistrationStatus.ACTIVE,
    "registered": RegistrationStatus.ACTIVE,
    "open": RegistrationStatus.ACTIVE,
    "suspended": RegistrationStatus.SUSPENDED,
    "closed": RegistrationStatus.CLOSED,
    "resigned": RegistrationStatus.CLOSED,
    "cancelled": RegistrationStatus.CLOSED,
    "canceled": RegistrationStatus.CLOSED,
    "inactive": RegistrationStatus.CLOSED,
    "deregistered": RegistrationStatus.CLOSED,
    "refused": RegistrationStatus.CLOSED,
}
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d %B %Y", "%d %b %Y")


@dataclass
class OfstedRow:
    number: int  # the row as the file shows it
    urn: str
    name: str = ""
    provision_type: str = ""
    registration_status: str = ""  # a RegistrationStatus, "" if the file does not say
    local_authority: str = ""
    places: int | None = None
    owner: str = ""
    inspection_date: dt.date | None = None
    publication_date: dt.date | None = None
    rating: str = ""  # an OfstedRating, "" for no judgement
    problems: list[str] = field(default_factory=list)
    matched: bool = False  # the directory knows the setting (set by `checks`)


def _words(value: object) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(value or "").lower()).split())


def _text(cell: RawCell, limit: int) -> str:
    return "" if cell.value is None else str(cell.value).strip()[:limit]


def _date(cell: RawCell, label: str, problems: list[str]) -> dt.date | None:
    value = cell.value
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for form in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    problems.append(f"{label} “{text[:40]}” is not a date")
    return None


def read_rows(table: Table) -> list[OfstedRow]:
    """Every row read; a row that cannot be read carries its problems."""
    index = {name: position for position, name in enumerate(table.headers)}
    rows = []
    for number, cells in table.rows:

        def cell(name: str, cells: list[RawCell] = cells) -> RawCell:
            position = index[name]
            return cells[position] if position < len(cells) else RawCell(value=None)

        problems: list[str] = []
        urn = "".join(_text(cell("urn"), 40).upper().split())
        if not urn:
            problems.append("The URN is blank")
        elif not URN.fullmatch(urn):
            problems.append(f"The URN “{urn[:20]}” is not an Ofsted URN")
        rating_words = _words(cell("rating").value)
        rating = RATINGS.get(rating_words, "")
        if not rating and rating_words not in NO_JUDGEMENT:
            problems.append(f"The rating “{_text(cell('rating'), 60)}” is not one of Ofsted's")
        status_words = _words(cell("registration_status").value)
        status = STATUSES.get(status_words, "")
        if status_words and not status:
            problems.append(
                f"The registration status “{_text(cell('registration_status'), 40)}” is not "
                "one of Ofsted's"
            )
        places = None
        places_text = _text(cell("places"), 20)
        if places_text:
            if places_text.isdigit():
                places = int(places_text)
            else:
                problems.append(f"Places “{places_text}” is not a whole number")
        rows.append(
            OfstedRow(
                number=number,
                urn=urn[:20],
                name=_text(cell("name"), 300),
                provision_type=_text(cell("provision_type"), 200),
                registration_status=status,
                local_authority=_text(cell("local_authority"), 200),
                places=places,
                owner=_text(cell("owner"), 300),
                inspection_date=_date(cell("inspection_date"), "The inspection date", problems),
                publication_date=_date(cell("publication_date"), "The publication date", problems),
                rating=rating,
                problems=problems,
            )
        )
    return rows

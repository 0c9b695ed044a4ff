"""Ofsted's rows against the directory as it is now: for each setting the directory
knows by URN, what would change (its rating, inspection date and registration), whether
its rating falls or its registration stops it operating; the settings the directory does
not know; the rows that cannot be read. Nothing here writes."""

from collections import Counter
from dataclasses import dataclass, field

from ..importing.spreadsheet import Table
from ..models import NOT_OPERATING, OfstedRating, Provider, RegistrationStatus, rating_fell
from .rows import OfstedRow, read_rows

# The provider's fields an Ofsted row sets, with how the preview names them.
FIELDS = {
    "ofsted_rating": "Ofsted rating",
    "ofsted_inspection_date": "Inspection date",
    "ofsted_registration_status": "Registration",
}


@dataclass
class OfstedChange:
    provider: Provider
    row: OfstedRow
    values: dict[str, object]  # the provider's fields that change, to their new values
    before: dict[str, object]

    @property
    def falls(self) -> bool:
        after = self.values.get("ofsted_rating")
        return after is not None and rating_fell(str(self.before["ofsted_rating"]), str(after))

    @property
    def stops_operating(self) -> bool:
        after = self.values.get("ofsted_registration_status")
        return after in NOT_OPERATING

    def shown(self) -> list[tuple[str, str, str]]:
        """(what, from, to) for the preview."""
        return [
            (FIELDS[name], _shown(name, self.before[name]), _shown(name, value))
            for name, value in self.values.items()
        ]


def _shown(name: str, value: object) -> str:
    if value in (None, ""):
        return "Not recorded"
    if name == "ofsted_rating":
        return str(OfstedRating(str(value)).label)
    if name == "ofsted_registration_status":
        return str(RegistrationStatus(str(value)).label)
    return f"{value:%-d %B %Y}" if hasattr(value, "year") else str(value)


@dataclass
class OfstedResult:
    rows: list[OfstedRow]
    changes: list[OfstedChange] = field(default_factory=list)
    unchanged: int = 0
    unknown: list[OfstedRow] = field(default_factory=list)  # not in the directory
    problems: list[OfstedRow] = field(default_factory=list)  # rows that cannot be read

    @property
    def blocking(self) -> list[OfstedRow]:
        """Problems in rows of settings the directory knows: importing without them would
        leave a provider's rating wrong, so they stop the import. A problem in a row of a
        setting the directory does not know changes nothing and is only listed."""
        return [row for row in self.problems if row.matched]

    @property
    def falls(self) -> list[OfstedChange]:
        return [change for change in self.changes if change.falls]

    @property
    def stopped(self) -> list[OfstedChange]:
        return [change for change in self.changes if change.stops_operating]


def ofsted_check(table: Table) -> OfstedResult:
    rows = read_rows(table)
    counts = Counter(row.urn for row in rows if row.urn)
    for row in rows:
        if row.urn and counts[row.urn] > 1:
            others = [str(r.number) for r in rows if r.urn == row.urn and r is not row]
            row.problems.append(f"The URN {row.urn} is also in row {', '.join(others)}")
    urns = {row.urn for row in rows if row.urn}
    providers = {
        p.ofsted_urn.upper(): p
        for p in Provider.objects.exclude(ofsted_urn="").only("pk", "name", "ofsted_urn", *FIELDS)
        if p.ofsted_urn.upper() in urns
    }
    result = OfstedResult(rows=rows)
    for row in rows:
        provider = providers.get(row.urn)
        row.matched = provider is not None
        if row.problems:
            result.problems.append(row)
            continue
        if provider is None:
            result.unknown.append(row)
            continue
        wanted: dict[str, object] = {}
        known = provider.ofsted_inspection_date
        # An inspection older than the one the directory records is not news.
        if not (row.inspection_date and known and row.inspection_date < known):
            if row.rating:  # no judgement in the file leaves the rating as it is
                wanted["ofsted_rating"] = row.rating
            if row.inspection_date:
                wanted["ofsted_inspection_date"] = row.inspection_date
        if row.registration_status:
            wanted["ofsted_registration_status"] = row.registration_status
        before = {name: getattr(provider, name) for name in FIELDS}
        values = {name: value for name, value in wanted.items() if before[name] != value}
        if values:
            result.changes.append(
                OfstedChange(provider=provider, row=row, values=values, before=before)
            )
        else:
            result.unchanged += 1
    return result

"""What checking a spreadsheet finds: each row's values and what it would do
(create, update, unchanged), every row-level error, the specialisms the file names that
the directory lacks, and the directory as it is now, which the rows are checked against."""

from dataclasses import dataclass, field
from typing import Any

from ..models import Category, Provider, Specialism, provider_list_queryset
from .text import _key

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class UnknownSpecialism:
    key: str  # case-folded, for matching decisions
    name: str  # as first written in the file
    rows: list[int] = field(default_factory=list)


@dataclass
class ImportRow:
    number: int
    values: dict[str, Any]  # Provider field name: the value the row gives it
    categories: dict[Category, str]
    specialisms: list[Specialism]
    unknown_specialisms: list[str]  # keys of UnknownSpecialism
    is_archived: bool | None  # None: the Status cell was blank, leave it as it is
    provider: Provider | None = None  # the existing provider this row updates
    matched_by: str = ""
    changes: list[str] = field(default_factory=list)  # headers whose value changes

    @property
    def action(self) -> str:
        if self.provider is None:
            return CREATE
        return UPDATE if self.changes else UNCHANGED

    @property
    def name(self) -> str:
        return self.values.get("name", "")


@dataclass
class ImportResult:
    rows: list[ImportRow]
    errors: list[RowError]
    unknown_specialisms: list[UnknownSpecialism]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def rows_that(self, action: str) -> list[ImportRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def created_count(self) -> int:
        return len(self.rows_that(CREATE))

    @property
    def updated_count(self) -> int:
        return len(self.rows_that(UPDATE))

    @property
    def unchanged_count(self) -> int:
        return len(self.rows_that(UNCHANGED))


@dataclass
class Directory:
    """What rows are checked against: the directory as it is now."""

    categories: dict[str, Category]
    specialisms: dict[str, Specialism]
    by_urn: dict[str, Provider]
    by_reference: dict[str, Provider]

    @classmethod
    def load(cls) -> "Directory":
        categories = {}
        for category in Category.objects.all():
            categories[_key(category.name)] = category
            categories[_key(category.slug)] = category
        providers = list(provider_list_queryset())
        return cls(
            categories=categories,
            specialisms={_key(s.name): s for s in Specialism.objects.all()},
            by_urn={p.ofsted_urn.upper(): p for p in providers if p.ofsted_urn},
            by_reference={p.reference.upper(): p for p in providers},
        )


@dataclass(frozen=True)
class SpecialismDecision:
    """What the administrator chose for a specialism the directory does not have:
    add it (existing is None) or use an existing specialism instead."""

    key: str
    name: str
    existing: Specialism | None = None

"""Invoices from a spreadsheet (CSV or Excel), in the layout `docs/invoices.md` gives:
every row recorded and checked, or, if any row has a problem, none, with each problem
named by its row."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from placements.models import User
from placements.services import DomainError
from providers.importing.spreadsheet import ImportFileError, read_table

from ..placement.models import Placement
from ..placement.services.placement import require_brokerage
from .models import Invoice, InvoiceLine
from .services import invoice_record

HEADINGS = [
    "Referral",
    "Provider reference",
    "Invoice number",
    "Period from",
    "Period to",
    "Weekly fee",
    "Additional weekly costs",
    "One-off costs",
    "One-off costs are for",
]
MAX_ROWS = 2000
DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str


@dataclass
class Imported:
    count: int
    problems: list[RowProblem]


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    try:
        if match := DAY_FIRST.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"Enter {what} as a date like 23/11/2026") from None


def _money(value: object, what: str) -> Decimal | None:
    text = str(value if value is not None else "").strip().replace("£", "").replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise DomainError(f"Enter {what} as an amount in pounds, like 850.50") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("10000000"):
        raise DomainError(f"Enter {what} as an amount from £0 to under £10,000,000")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(f"Enter {what} in pounds and pence")
    return amount


def invoices_import(*, content: bytes, filename: str, actor: User) -> Imported:
    """Record every row's invoice, or none: a problem in any row undoes them all."""
    require_brokerage(actor)
    table = read_table(content, filename, max_rows=MAX_ROWS)
    position = {_key(h): n for n, h in enumerate(table.headers)}
    missing = [h for h in HEADINGS if _key(h) not in position]
    if missing:
        raise ImportFileError(
            "The column headings must be those of the invoices layout; missing: "
            + ", ".join(f"“{h}”" for h in missing)
        )
    if not table.rows:
        raise ImportFileError("The selected file has column headings but no invoices in it")
    problems: list[RowProblem] = []
    count = 0
    with transaction.atomic():
        for number, cells in table.rows:

            def cell(heading: str, cells=cells) -> object:
                n = position[_key(heading)]
                return cells[n].value if n < len(cells) else None

            try:
                referral = str(cell("Referral") or "").strip()
                provider = str(cell("Provider reference") or "").strip().upper()
                placement = (
                    Placement.objects.filter(
                        referral__reference=referral, provider__reference=provider, service=""
                    )
                    .order_by("-start_date")
                    .first()
                )
                if placement is None:
                    raise DomainError(
                        f"No placement of referral “{referral}” with provider “{provider}”"
                    )
                lines = [
                    (kind, description, amount)
                    for kind, heading, description in (
                        (InvoiceLine.Kind.WEEKLY, "Weekly fee", ""),
                        (InvoiceLine.Kind.ADDITIONAL, "Additional weekly costs", ""),
                        (
                            InvoiceLine.Kind.ONE_OFF,
                            "One-off costs",
                            str(cell("One-off costs are for") or ""),
                        ),
                    )
                    if (amount := _money(cell(heading), heading.lower())) is not None
                ]
                with transaction.atomic():
                    invoice_record(
                        placement=placement,
                        provider_reference=str(cell("Invoice number") or ""),
                        period_start=_date(cell("Period from"), "the period's start"),
                        period_end=_date(cell("Period to"), "the period's end"),
                        lines=lines,
                        actor=actor,
                        source=Invoice.Source.IMPORT,
                    )
                count += 1
            except DomainError as problem:
                problems.append(RowProblem(number, str(problem)))
        if problems:
            transaction.set_rollback(True)
            count = 0
    return Imported(count, problems)

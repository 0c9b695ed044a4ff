"""Reading one cell's value: each parser returns what the Provider field takes, or
raises CellError with a message for the administrator, shown against the cell."""

import datetime as dt
import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from ..exporting import neutralise
from ..models import Category, FrameworkStatus, Genders, Specialism, Tier
from .results import Directory
from .spreadsheet import RawCell
from .text import _key, _same

FORMULA_MESSAGE = "Remove the formula from this cell and type the value itself"


class CellError(Exception):
    """One cell's value is not acceptable; the message is shown against the cell."""


def _cell_value(raw: RawCell) -> object:
    """The cell's value with surrounding space gone and our export's apostrophe removed."""
    if raw.is_formula:
        raise CellError(FORMULA_MESSAGE)
    if raw.is_error:
        raise CellError(f"This cell shows an error ({raw.value}). Type the value itself")
    value = raw.value
    if isinstance(value, str):
        value = value.strip()
        if value.startswith("'") and neutralise(value[1:]) == value:
            value = value[1:]
    return value


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _text(
    value: object,
    what: str,
    *,
    max_length: int,
    required: bool = False,
    upper: bool = False,
    multiline: bool = False,
) -> str:
    text = _as_text(value)
    text = _same(text) if multiline else " ".join(text.split())
    if upper:
        text = text.upper()
    if required and not text:
        raise CellError(f"Enter the {what}")
    if len(text) > max_length:
        raise CellError(f"This must be {max_length:,} characters or fewer")
    return text


GENDER_ALIASES = {
    "any": Genders.ANY,
    "all": Genders.ANY,
    "mixed": Genders.ANY,
    "male": Genders.MALE,
    "boys": Genders.MALE,
    "female": Genders.FEMALE,
    "girls": Genders.FEMALE,
}


def _choice(
    value: object,
    choices: type[models.Choices],
    what: str,
    *,
    required: bool = False,
    default: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> str | None:
    text = _as_text(value)
    if not text:
        if required:
            raise CellError(f"Enter the {what}")
        return default
    lookup = {_key(v): v for v in choices.values}
    lookup.update({_key(label): v for v, label in choices.choices})
    lookup.update({_key(k): v for k, v in (aliases or {}).items()})
    found = lookup.get(_key(text))
    if found is None:
        labels = [str(label) for _v, label in choices.choices]
        raise CellError(
            f"{what.capitalize()} “{text}” is not recognised. Use one of: {', '.join(labels)}"
        )
    return str(found)


def _tier(value: object) -> int:
    text = _as_text(value)
    if not text:
        raise CellError("Enter the tier: 1 (inside the boundary) or 2 (outside)")
    key = _key(text)
    for tier in Tier:
        if key in {str(tier.value), f"tier {tier.value}", _key(tier.label)}:
            return tier.value
    raise CellError(f"“{text}” is not a tier. Enter 1 (inside the boundary) or 2 (outside)")


def _yes_no(value: object, *, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    text = _key(_as_text(value))
    if not text:
        return default
    if text in {"yes", "y", "true", "1"}:
        return True
    if text in {"no", "n", "false", "0"}:
        return False
    raise CellError(f"Enter Yes or No, not “{_as_text(value)}”")


def _status(value: object) -> bool | None:
    text = _key(_as_text(value))
    if not text:
        return None
    if text == "active":
        return False
    if text == "archived":
        return True
    raise CellError(f"Enter Active or Archived, not “{_as_text(value)}”")


DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+0{1,2}:00(?::00)?)?")
YEAR_FIRST = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?")


def _date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value.year < 1900:
            raise CellError("Enter a date after 1900")
        return value
    text = _as_text(value)
    if match := DAY_FIRST.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := YEAR_FIRST.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise CellError(f"Enter a date like 23/11/2026, not “{text}”")
    try:
        date = dt.date(year, month, day)
    except ValueError as error:
        raise CellError(f"“{text}” is not a real date") from error
    if date.year < 1900:
        raise CellError("Enter a date after 1900")
    return date


def _whole_number(
    value: object, *, required: bool = False, default: int | None = None, maximum: int
) -> int | None:
    if isinstance(value, bool):
        raise CellError("Enter a whole number, like 3")
    if value is None or value == "":
        if required:
            raise CellError("Enter a whole number, like 3")
        return default
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\d+(\.0+)?", value.strip()):
        number = int(value.strip().split(".")[0])
    else:
        raise CellError(f"Enter a whole number, like 3, not “{_as_text(value)}”")
    if number < 0 or number > maximum:
        raise CellError(f"Enter a number from 0 to {maximum:,}")
    return number


def _categories(value: object, directory: Directory) -> dict[Category, str]:
    text = _as_text(value)
    if not text:
        raise CellError(
            "Enter at least one category with its framework status, like “Fostering: Framework”"
        )
    statuses = {_key(v): v for v in FrameworkStatus.values}
    statuses.update({_key(label): v for v, label in FrameworkStatus.choices})
    chosen: dict[Category, str] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;\n]", text))):
        name, colon, status = part.rpartition(":")
        if not colon:
            raise CellError(
                f"Give “{part}” a framework status, like “{part}: Framework”. Statuses: "
                + ", ".join(str(label) for _v, label in FrameworkStatus.choices)
            )
        category = directory.categories.get(_key(name))
        if category is None:
            names = sorted({c.name for c in directory.categories.values()})
            raise CellError(f"“{name.strip()}” is not a category. Use one of: {', '.join(names)}")
        framework = statuses.get(_key(status))
        if framework is None:
            raise CellError(
                f"“{status.strip()}” is not a framework status. Use one of: "
                + ", ".join(str(label) for _v, label in FrameworkStatus.choices)
            )
        if category in chosen:
            raise CellError(f"{category.name} is listed more than once")
        chosen[category] = framework
    if not chosen:
        raise CellError("Enter at least one category with its framework status")
    return chosen


def _specialisms(
    value: object, directory: Directory
) -> tuple[list[Specialism], list[tuple[str, str]]]:
    """(known specialisms, [(key, name) of ones the directory does not have])."""
    known: list[Specialism] = []
    unknown: list[tuple[str, str]] = []
    seen = set()
    for part in re.split(r"[;\n]", _as_text(value)):
        name = " ".join(part.split())
        key = _key(name)
        if not key or key in seen:
            continue
        seen.add(key)
        if len(name) > 120:
            raise CellError("Each specialism must be 120 characters or fewer")
        if key in directory.specialisms:
            known.append(directory.specialisms[key])
        else:
            unknown.append((key, name))
    return known, unknown


def _emails(value: object) -> list[str]:
    emails, invalid = [], []
    for part in re.split(r"[;,\s]+", _as_text(value)):
        email = part.strip().strip("<>").lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            invalid.append(part.strip())
        else:
            if email not in emails:
                emails.append(email)
    if invalid:
        raise CellError(
            "Enter email addresses in the correct format, like referrals@provider.co.uk "
            f"(not valid: {', '.join(invalid)})"
        )
    if not emails:
        raise CellError("Enter at least one referral email address")
    return emails

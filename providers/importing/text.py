"""Small rules for words and text that the reader, the cell parsers and the checks share."""

from typing import overload


def _key(text: object) -> str:
    """Forgive case, spacing, underscores and hyphens when matching words."""
    return " ".join(str(text).replace("_", " ").replace("-", " ").casefold().split())


def _and_list(items: list[str]) -> str:
    """“a”, “a and b”, “a, b and c”: the rows or columns a message names."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@overload
def _same(value: str) -> str: ...
@overload
def _same(value: object) -> object: ...
def _same(value: object) -> object:
    """Compare text as a spreadsheet keeps it: Excel stores line breaks as LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value

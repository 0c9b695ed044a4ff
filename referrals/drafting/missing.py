"""The words of completeness: a section of the form, an answer still missing and where
it is given. Placements' and packages' sections both speak them."""

from dataclasses import dataclass
from itertools import groupby

from django.urls import reverse

from referrals.models import Referral


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    url_name: str
    optional: bool = False


@dataclass(frozen=True)
class Missing:
    """An answer still needed before the referral can be submitted, and where to give it:
    `href` is the section's page with the answer's field as its fragment."""

    answer: str
    href: str
    who: str = ""  # the child or person it is about, when a section lists several

    @property
    def anchor(self) -> str:
        """The answer's field, on its own page."""
        return self.href.partition("#")[2]

    @property
    def text(self) -> str:
        return f"{self.who}: {self.answer}" if self.who else self.answer

    def __str__(self) -> str:
        return self.text


def blank(value) -> bool:
    """Not answered: nothing, or only spaces ("None" and "N/A" are answers)."""
    return value is None or (isinstance(value, str) and not value.strip())


def missing_summary(missing: list[Missing], *, brief: bool = False) -> str:
    """ "Jayden: date of birth, health; the date needed": what is missing, in a line.
    `brief` counts a child's or person's answers when there are more than three."""
    parts = []
    for who, items in groupby(missing, key=lambda m: m.who):
        answers = [m.answer for m in items]
        if who and brief and len(answers) > 3:
            parts.append(f"{who}: {len(answers)} answers")
        else:
            parts += [f"{who}: {', '.join(answers)}"] if who else answers
    return "; ".join(parts)


def section_href(referral: Referral, url_name: str, anchor: str = "", **kwargs) -> str:
    url = reverse(url_name, kwargs={"pk": referral.pk, **kwargs})
    return f"{url}#{anchor}" if anchor else url

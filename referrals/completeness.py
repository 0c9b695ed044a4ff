"""What a complete referral needs, section by section. The task list, the submit
service and brokerage QA all use these, so the rule lives once."""

from dataclasses import dataclass

from .models import Referral


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    url_name: str
    optional: bool = False


SECTIONS = [
    Section("children", "The child or children", "referrals:children"),
    Section("people", "People around the child", "referrals:people"),
    Section("needs", "What is needed", "referrals:needs"),
    Section("outcomes", "Desired outcomes", "referrals:outcomes"),
    Section("profile", "Getting to know me", "referrals:profile"),
    Section("exclusions", "Providers not to approach", "referrals:exclusions", optional=True),
]


def _needs_problems(referral: Referral) -> list[str]:
    problems = []
    required = {
        "kind": "what kind of move this is",
        "placement_type": "the type of placement",
        "date_needed": "the date needed",
        "expected_duration": "the expected duration",
        "location_preferences": "location preferences",
        "location_restrictions": "location restrictions",
    }
    for field, label in required.items():
        if getattr(referral, field) in (None, ""):
            problems.append(label)
    if referral.education_needed is None or referral.therapy_needed is None:
        problems.append("whether education or therapy is needed")
    elif (referral.education_needed or referral.therapy_needed) and not (
        referral.education_therapy_details.strip()
    ):
        problems.append("details of the education or therapy")
    if len(referral.children.all()) > 1:
        if not referral.siblings:
            problems.append("whether the children must be placed together")
        elif referral.siblings == Referral.Siblings.APART and not referral.sibling_arrangement:
            problems.append("who should be placed with whom")
    return problems


def section_problems(referral: Referral) -> dict[str, list[str]]:
    """For each section, what is still missing (an empty list means complete)."""
    outcomes = len(referral.outcomes.all())
    return {
        "children": [] if referral.children.all() else ["at least one child"],
        "people": (
            []
            if referral.no_people_to_add or referral.people.all()
            else ["the people around the child, or confirm there is nobody to add"]
        ),
        "needs": _needs_problems(referral),
        "outcomes": [] if 1 <= outcomes <= 3 else ["one to three desired outcomes"],
        "profile": []
        if referral.getting_to_know_me.strip()
        else ["the getting to know me profile"],
        "exclusions": [],
    }


def referral_missing_sections(referral: Referral) -> list[str]:
    problems = section_problems(referral)
    return [s.title for s in SECTIONS if not s.optional and problems[s.key]]


def referral_is_complete(referral: Referral) -> bool:
    return not referral_missing_sections(referral)

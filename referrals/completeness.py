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


@dataclass(frozen=True)
class CheckItem:
    label: str
    ok: bool
    note: str = ""


def qa_checklist(referral: Referral) -> list[CheckItem]:
    """What a brokerage officer checks before accepting a referral onto the action list."""
    problems = section_problems(referral)
    items = [
        CheckItem(section.title, not problems[section.key], "; ".join(problems[section.key]))
        for section in SECTIONS
        if not section.optional
    ]
    people = len(referral.people.all())
    items.append(
        CheckItem(
            "Everyone named is listed for anonymisation",
            people > 0 or referral.no_people_to_add,
            f"{people} people listed" if people else "Social worker said there is nobody to add",
        )
    )
    profile_words = len(referral.getting_to_know_me.split())
    items.append(
        CheckItem(
            "Getting to know me says enough for providers to judge a match",
            profile_words >= 80,
            f"{profile_words} words" + ("" if profile_words >= 80 else ": ask for more detail"),
        )
    )
    if referral.education_needed or referral.therapy_needed:
        # Evidence is recorded by the approvals app against this referral.
        agreed = referral.agreement_evidence.exists()
        items.append(
            CheckItem(
                "Education or therapy has been agreed",
                agreed,
                "" if agreed else "No evidence of agreement recorded",
            )
        )
    needs_funding = bool(referral.placement_type and not referral.placement_type.is_in_house)
    if needs_funding:
        funded = referral.funding_approvals.exists()
        items.append(
            CheckItem(
                "Funding approval for an external search",
                funded,
                "" if funded else "None recorded: needed before any external round",
            )
        )
    return items

"""What a complete referral needs, section by section. The task list, the section
pages, check answers, the submit service and brokerage QA all use these, so the rule
lives once.

A draft (or a returned referral) may be saved with answers missing: each section keeps
what the social worker has given. Completeness is checked only when it is submitted,
and each missing answer is named with a link to where it is given."""

from dataclasses import dataclass

from referrals.drafting.missing import Missing, Section, blank, missing_summary, section_href
from referrals.models import Child, Referral
from referrals.packages.completeness import package_missing

SECTIONS = [
    Section("children", "The child or children", "referrals:children"),
    Section("people", "People around the child", "referrals:people"),
    Section("needs", "What is needed", "referrals:needs"),
    Section("outcomes", "Desired outcomes", "referrals:outcomes"),
    Section("profile", "Getting to know me", "referrals:profile"),
    Section("exclusions", "Providers not to approach", "referrals:exclusions", optional=True),
]
# A package of support at home (Part A of the short breaks and home care form): the
# services' sections follow what is asked for.
PACKAGE_SECTIONS = [
    Section("children", "The child or children", "referrals:children"),
    Section("people", "Family and principal contact", "referrals:people"),
    Section("package", "Dates, current support and approval", "referrals:package"),
    Section("short_break", "Short breaks", "referrals:short-breaks"),
    Section("home_care", "Home care", "referrals:home-care"),
    Section("outcomes", "Desired outcomes", "referrals:outcomes"),
    Section("exclusions", "Providers not to approach", "referrals:exclusions", optional=True),
]


def sections_for(referral: Referral) -> list[Section]:
    """The sections of this referral's form: a placement's, or a package's with a
    section for each service asked for."""
    if not referral.is_package:
        return SECTIONS
    skipped = {
        "short_break": not referral.wants_short_break,
        "home_care": not referral.wants_home_care,
    }
    return [s for s in PACKAGE_SECTIONS if not skipped.get(s.key)]


# Each answer about a child that a submitted referral needs, and the field it is given
# in (a date's first box is its day; a choice's first box its first option).
CHILD_ANSWERS = {
    "last_name": ("last name", "id_last_name"),
    "date_of_birth": ("date of birth", "id_date_of_birth_0"),
    "gender": ("gender", "id_gender"),
    "ethnicity": ("ethnicity", "id_ethnicity"),
    "religion": ("religion", "id_religion"),
    "first_language": ("first language", "id_first_language"),
    "legal_status": ("legal status", "id_legal_status"),
    "address": ("home address", "id_address"),
    "postcode": ("postcode", "id_postcode"),
    "school": ("school or nursery", "id_school"),
    "sen_disability": ("special educational needs or disability", "id_sen_disability"),
    "health": ("health", "id_health"),
    "behaviours": ("behaviours that challenge", "id_behaviours"),
    "risks": ("risks", "id_risks"),
    "interests": ("interests and what works for them", "id_interests"),
}

# Asked about each child for a package of support at home.
PACKAGE_CHILD_ANSWERS = {
    "mobility_issues": ("whether they have mobility issues", "id_mobility_issues_1"),
    "school_holidays": ("the school's holiday dates", "id_school_holidays"),
}

NEEDS_ANSWERS = {
    "kind": ("what kind of move this is", "id_kind_1"),
    "placement_type": ("the type of placement", "id_placement_type_1"),
    "date_needed": ("the date needed", "id_date_needed_0"),
    "expected_duration": ("the expected duration", "id_expected_duration"),
    "location_preferences": ("location preferences", "id_location_preferences"),
    "location_restrictions": ("location restrictions", "id_location_restrictions"),
    "education_needed": ("whether education is needed", "id_education_needed_1"),
    "therapy_needed": ("whether therapy is needed", "id_therapy_needed_1"),
}


def child_missing(child: Child) -> list[Missing]:
    """What a child's record still needs (a child is kept from their first name on)."""
    referral = child.referral
    asked = CHILD_ANSWERS
    if referral.is_package:
        asked = {**CHILD_ANSWERS, **PACKAGE_CHILD_ANSWERS}
        if child.mobility_issues:
            asked["mobility_equipment"] = (
                "the mobility equipment and when it is used",
                "id_mobility_equipment",
            )
    return [
        Missing(
            answer,
            section_href(referral, "referrals:child-edit", anchor, child_pk=child.pk),
            who=child.full_name,
        )
        for name, (answer, anchor) in asked.items()
        if blank(getattr(child, name))
    ]


def person_missing(person) -> list[Missing]:
    if not blank(person.relationship):
        return []
    href = section_href(
        person.referral, "referrals:person-edit", "id_relationship", person_pk=person.pk
    )
    return [Missing("relationship to the child", href, who=person.full_name)]


def _children_missing(referral: Referral) -> list[Missing]:
    children = referral.children.all()
    if not children:
        return [Missing("at least one child", section_href(referral, "referrals:child-add"))]
    missing = []
    for child in children:
        child.referral = referral  # no query per child for its links
        missing += child_missing(child)
    return missing


def _people_missing(referral: Referral) -> list[Missing]:
    people = referral.people.all()
    if referral.is_package:
        contact = next((p for p in people if p.is_principal_contact), None)
        if contact is None:
            return [
                Missing("the principal contact", section_href(referral, "referrals:person-add"))
            ]
        if blank(contact.phone):
            href = section_href(referral, "referrals:person-edit", "id_phone", person_pk=contact.pk)
            return [Missing("the principal contact's phone number", href)]
    if not people and not referral.no_people_to_add:
        return [
            Missing(
                "the people around the child, or confirm there is nobody to add",
                section_href(referral, "referrals:people"),
            )
        ]
    missing = []
    for person in people:
        person.referral = referral
        missing += person_missing(person)
    return missing


def _needs_missing(referral: Referral) -> list[Missing]:
    missing = [
        Missing(answer, section_href(referral, "referrals:needs", anchor))
        for name, (answer, anchor) in NEEDS_ANSWERS.items()
        if blank(getattr(referral, name))
    ]
    if (referral.education_needed or referral.therapy_needed) and blank(
        referral.education_therapy_details
    ):
        missing.append(
            Missing(
                "details of the education or therapy",
                section_href(referral, "referrals:needs", "id_education_therapy_details"),
            )
        )
    if len(referral.children.all()) > 1:
        if not referral.siblings:
            missing.append(
                Missing(
                    "whether the children must be placed together",
                    section_href(referral, "referrals:needs", "id_siblings_1"),
                )
            )
        elif referral.siblings == Referral.Siblings.APART and blank(referral.sibling_arrangement):
            missing.append(
                Missing(
                    "who should be placed with whom",
                    section_href(referral, "referrals:needs", "id_sibling_arrangement"),
                )
            )
    return missing


def section_missing(referral: Referral) -> dict[str, list[Missing]]:
    """For each section, the answers still missing (an empty list means complete)."""
    outcomes = len(referral.outcomes.all())
    if referral.is_package:
        services = package_missing(referral)
    else:
        services = {"needs": _needs_missing(referral)}
    return {
        "children": _children_missing(referral),
        "people": _people_missing(referral),
        **services,
        "outcomes": []
        if 1 <= outcomes <= 3
        else [
            Missing(
                "at least one desired outcome" if not outcomes else "one to three outcomes",
                section_href(referral, "referrals:outcomes", "id_outcome_1"),
            )
        ],
        "profile": []
        if referral.getting_to_know_me.strip() or referral.is_package
        else [
            Missing(
                "the getting to know me profile",
                section_href(referral, "referrals:profile", "id_getting_to_know_me"),
            )
        ],
        "exclusions": [],
    }


def referral_missing_answers(referral: Referral) -> list[tuple[Section, list[Missing]]]:
    """The sections a submission still needs answers in, with those answers."""
    missing = section_missing(referral)
    return [
        (s, missing[s.key]) for s in sections_for(referral) if not s.optional and missing[s.key]
    ]


def referral_missing_sections(referral: Referral) -> list[str]:
    return [section.title for section, _ in referral_missing_answers(referral)]


def referral_is_complete(referral: Referral) -> bool:
    return not referral_missing_answers(referral)


@dataclass(frozen=True)
class CheckItem:
    label: str
    ok: bool
    note: str = ""


def qa_checklist(referral: Referral) -> list[CheckItem]:
    """What a brokerage officer checks before accepting a referral onto the action list."""
    missing = section_missing(referral)
    items = [
        CheckItem(section.title, not missing[section.key], missing_summary(missing[section.key]))
        for section in sections_for(referral)
        if not section.optional
    ]
    people = len(referral.people.all())
    items.append(
        CheckItem(
            "Everyone named is listed for anonymisation",
            people > 0 or referral.no_people_to_add,
            f"{people} {'person' if people == 1 else 'people'} listed"
            if people
            else "Social worker said there is nobody to add",
        )
    )
    profile_words = len(referral.getting_to_know_me.split())
    if not referral.is_package:
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

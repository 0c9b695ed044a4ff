"""The anonymised pack ("resource request") that providers read, built from a referral.

Pure: reads the referral, writes nothing. The child appears as initials, age, gender
and area (the postcode district); the people around the child as relationship words
or initials (a council setting); every free-text field is redacted and checked.
"""

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from placements.models import CouncilSettings, PeopleInPack
from placements.services import DomainError
from referrals.anonymise import (
    Flag,
    Redactor,
    name_identifiers,
    people_replacements,
    relationship_identifiers,
    text_identifiers,
)
from referrals.anonymise.text import fold
from referrals.models import AllowedWord, Child, Referral
from referrals.pack import package

logger = logging.getLogger(__name__)


@dataclass
class PackText:
    """One free-text field as providers will read it, with anything still suspicious."""

    key: str
    label: str
    text: str
    flags: list[Flag] = field(default_factory=list)


@dataclass
class PackChild:
    initials: str
    age: str
    gender: str
    area: str
    texts: list[PackText]


@dataclass
class Pack:
    reference: str
    placement_type: str
    urgency: str
    date_needed: str
    children: list[PackChild]
    people: list[str]
    texts: list[PackText]
    # A package of support at home: its weekly tables (days, times, hours only) and the
    # dates of the service.
    schedule: list[dict] = field(default_factory=list)
    service_dates: str = ""
    # (what was written, what providers read, the field that said so): for the officer.
    replacements: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def all_texts(self) -> list[PackText]:
        return self.texts + [t for child in self.children for t in child.texts]

    @property
    def flags(self) -> list[tuple[str, Flag]]:
        return [(t.label, flag) for t in self.all_texts for flag in t.flags]

    def words_to_check(self) -> dict[str, "WordToCheck"]:
        """Each flagged word once however often it appears, with where and why."""
        return words_to_check(self.flags)

    def plain_text(self) -> str:
        """Everything in the pack as one string (what a provider could read)."""
        lines = [self.reference, self.placement_type, self.urgency, self.date_needed]
        lines.append(self.service_dates)
        lines += self.people
        for child in self.children:
            lines += [child.initials, child.age, child.gender, child.area]
        lines += [f"{t.label}: {t.text}" for t in self.all_texts]
        for table in self.schedule:
            lines.append(table["title"])
            lines += [f"{r['day']} {r['when']} {r['hours']}" for r in table["rows"]]
        return "\n".join(lines)


def postcode_district(postcode: str) -> str:
    """LE1 6ZG → LE1: the area providers may know, never the street."""
    compact = "".join(postcode.upper().split())
    return compact[:-3] if len(compact) > 3 else ""


@dataclass
class WordToCheck:
    word: str
    looks_like: str
    labels: list[str]


def words_to_check(flags: list[tuple[str, Flag]]) -> dict[str, WordToCheck]:
    found: dict[str, WordToCheck] = {}
    for label, flag in flags:
        key = fold(flag.word)
        if key not in found:
            found[key] = WordToCheck(flag.word, flag.reason, [])
        if label not in found[key].labels:
            found[key].labels.append(label)
    return found


def referral_redactor(
    referral: Referral, *, people_style: str, council: CouncilSettings | None = None
) -> Redactor:
    """The one check for everything a provider reads about this referral: its known
    identifiers (each with the field it came from), the children's dates of birth, the
    words the council allows, and the council's own name, which is never taken out."""
    council = council or CouncilSettings.load()
    return redactor_for(
        list(referral.children.all()),
        [(p.full_name, p.relationship) for p in referral.people.all()],
        people_style=people_style,
        safe=[*AllowedWord.words(), council.council_name, *council.council_name.split()],
        protected=[council.council_name],
    )


def redactor_for(
    children: Sequence[Child],
    people: Sequence[tuple[str, str]],
    *,
    people_style: str,
    safe: Sequence[str] = (),
    protected: Sequence[str] = (),
) -> Redactor:
    """A redactor for these children (saved or not) and people (name, relationship)."""
    many = len(children) > 1
    identifiers = []
    births = []
    for n, child in enumerate(children, 1):
        whose = f"child {n}'s" if many else "the child's"
        shown = child.initials
        identifiers += name_identifiers(child.full_name, shown, f"{whose} name")
        if child.known_as:
            identifiers += name_identifiers(child.known_as, shown, f"{whose} known-as name")
        identifiers += text_identifiers(child.address, "[address]", f"{whose} address")
        identifiers += text_identifiers(child.school, "[school]", f"{whose} school")
        if child.date_of_birth:
            births.append((child.date_of_birth, "[date of birth]"))
    for name, replacement in people_replacements(people, style=people_style):
        identifiers += name_identifiers(name, replacement, f"{replacement}'s name")
    for _name, relationship in people:
        identifiers += relationship_identifiers(relationship, "a name in a relationship")
    return Redactor(identifiers, births=births, safe=safe, protected=protected)


def provider_email_check(referral: Referral, council: CouncilSettings):
    """The last look at an email to a provider before it is written to the outbox: if
    it names the child or their family (anything the pack takes out, bar the council's
    and the provider's own names), it is refused and the change with it."""
    redactor = referral_redactor(referral, people_style=council.people_in_pack, council=council)

    def check(text: str, context) -> None:
        provider = context.get("provider")
        for own in (council.council_name, council.service_name, str(provider or "")):
            if own:
                text = text.replace(own, " ")
        if redactor.contains_known(text, dates=False):
            logger.error(
                "An email to a provider about referral %s named the child or family; not written",
                referral.pk,
            )
            raise DomainError(
                f"The email to {provider or 'a provider'} would have named the child or their "
                "family, so nothing was sent. Tell the service's administrator."
            )

    return check


def refuse_identifiers(
    referral: Referral, text: str, *, what: str, council: CouncilSettings
) -> None:
    """Text typed for providers (an answer to their question, feedback) goes through
    the same check as the pack: anything the pack would take out, and any word it
    would flag, is refused with the words to change."""
    redactor = referral_redactor(referral, people_style=council.people_in_pack, council=council)
    redacted = redactor.redact(text)
    if redacted.text != text:
        found = [r.original for r in redacted.replacements if r.original][:5]
        said = f" ({', '.join(f'“{w}”' for w in found)})" if found else ""
        raise DomainError(
            f"{what} names the child or their family, or gives an address, a date of birth "
            f"or a contact{said}: "
            "rewrite it the way the pack does, for example with initials or relationship words"
        )
    if redacted.flags:
        words = ", ".join(f"“{flag.word}” ({flag.reason})" for flag in redacted.flags[:5])
        raise DomainError(
            f"{what} has words that may identify someone: {words}. Rewrite them; a word that "
            "is never personal (a brand, a service) can be added to the words allowed in "
            "every pack"
        )


def build_pack(referral: Referral, *, people_style: str = PeopleInPack.RELATIONSHIP) -> Pack:
    redactor = referral_redactor(referral, people_style=people_style)
    replacements: list[tuple[str, str, str]] = []

    def text(key: str, label: str, value: str) -> PackText:
        redacted = redactor.redact(value or "")
        replacements.extend(
            (r.original, r.replacement, r.source) for r in redacted.replacements if r.original
        )
        return PackText(key=key, label=label, text=redacted.text, flags=redacted.flags)

    children = []
    for n, child in enumerate(referral.children.all(), 1):
        who = child.initials
        children.append(
            PackChild(
                initials=who,
                age=child.age_words,
                gender=child.gender,
                area=postcode_district(child.postcode),
                texts=[
                    text(
                        f"child{n}_identity",
                        f"{who}: ethnicity, religion and language",
                        f"{child.ethnicity}; {child.religion}; {child.first_language}",
                    ),
                    text(f"child{n}_legal", f"{who}: legal status", child.legal_status),
                    text(f"child{n}_sen", f"{who}: SEN or disability", child.sen_disability),
                    text(f"child{n}_health", f"{who}: health", child.health),
                    text(
                        f"child{n}_behaviours",
                        f"{who}: behaviours that challenge",
                        child.behaviours,
                    ),
                    text(f"child{n}_risks", f"{who}: risks", child.risks),
                    text(
                        f"child{n}_interests",
                        f"{who}: interests and what works",
                        child.interests,
                    ),
                    *(package.child_texts(child, n, text) if referral.is_package else []),
                ],
            )
        )
    people = [
        shown
        for _name, shown in people_replacements(
            [(p.full_name, p.relationship) for p in referral.people.all()], style=people_style
        )
    ]
    outcomes = [
        text(f"outcome{o.position}", f"Outcome {o.position}", o.text)
        for o in referral.outcomes.all()
    ]
    if referral.is_package:
        texts = [*package.package_texts(referral, text), *outcomes]
    else:
        texts = [
            text("duration", "Expected duration", referral.expected_duration),
            text("preferences", "Location preferences", referral.location_preferences),
            text("restrictions", "Location restrictions", referral.location_restrictions),
            text("education", "Education or therapy needed", referral.education_therapy_details),
            text("siblings", "Siblings", referral.sibling_arrangement),
            *outcomes,
            text("profile", "Getting to know me", referral.getting_to_know_me),
        ]
    urgency = (
        "Emergency" if referral.is_emergency else "Urgent" if referral.is_urgent else "Standard"
    )
    if referral.is_package:
        return Pack(
            reference=referral.reference or "",
            placement_type=referral.get_service_display(),
            urgency=urgency,
            date_needed="",
            children=children,
            people=people,
            texts=[t for t in texts if t.text.strip()],
            replacements=replacements,
            schedule=package.package_schedule(referral),
            service_dates=package.package_dates(referral),
        )
    return Pack(
        reference=referral.reference or "",
        placement_type=str(referral.placement_type or ""),
        urgency=urgency,
        date_needed=f"{referral.date_needed:%-d %B %Y}" if referral.date_needed else "",
        children=children,
        people=people,
        texts=[t for t in texts if t.text.strip()],
        replacements=replacements,
    )


def pack_content(pack: Pack) -> dict:
    """The pack as stored: what providers will read, without the flags' positions."""
    return {
        "reference": pack.reference,
        "placement_type": pack.placement_type,
        "urgency": pack.urgency,
        "date_needed": pack.date_needed,
        "people": pack.people,
        "children": [
            {"initials": c.initials, "age": c.age, "gender": c.gender, "area": c.area}
            for c in pack.children
        ],
        "texts": [{"key": t.key, "label": t.label, "text": t.text} for t in pack.all_texts],
        "schedule": pack.schedule,
        "service_dates": pack.service_dates,
    }


def referral_fingerprint(referral: Referral) -> str:
    """A digest of everything a pack is built from, to tell when the referral changed."""
    children = [
        {f.name: str(getattr(c, f.name)) for f in c._meta.concrete_fields if f.name != "id"}
        for c in referral.children.all()
    ]
    source = {
        "children": children,
        "people": [[p.full_name, p.relationship] for p in referral.people.all()],
        "outcomes": [o.text for o in referral.outcomes.all()],
        "fields": [
            str(getattr(referral, name))
            for name in (
                "kind",
                "is_urgent",
                "placement_type_id",
                "date_needed",
                "expected_duration",
                "location_preferences",
                "location_restrictions",
                "education_therapy_details",
                "sibling_arrangement",
                "getting_to_know_me",
            )
        ],
        **(package.package_fingerprint(referral) if referral.is_package else {}),
    }
    return hashlib.sha256(json.dumps(source, sort_keys=True).encode()).hexdigest()

"""The demo's provider account (an organisation with two of the directory's settings, a
vacancy declared on one, so an administrator sees accounts and a provider can sign in;
the link lands in the file outbox, var/outbox/) and the council's own foster carers."""

import datetime as dt

from django.utils import timezone

from placements.models import User
from providers.fostering import services as carers
from providers.fostering.models import FosterCarer
from providers.models import Category, Organisation, Provider, ProviderType
from providers.services import accounts

DEMO_ACCOUNT = "Keystone Care Group"
DEMO_ACCOUNT_EMAIL = "manager@keystonecare.example"


def seed_demo_account(admin: User) -> Organisation | None:
    """Once: the first two independent fostering agencies in the directory."""
    existing = Organisation.objects.filter(name=DEMO_ACCOUNT).first()
    if existing:
        return existing
    settings = list(
        Provider.objects.active()
        .filter(provider_type=ProviderType.INDEPENDENT_FOSTERING, organisation__isnull=True)
        .order_by("reference")[:2]
    )
    if not settings:
        return None
    organisation = accounts.organisation_save(
        name=DEMO_ACCOUNT,
        emails=[DEMO_ACCOUNT_EMAIL],
        references=[setting.reference for setting in settings],
        actor=admin,
    )
    first = settings[0]
    fostering = Category.objects.filter(slug="fostering").first()
    if (
        fostering
        and first.capacity >= 1
        and first.provider_categories.filter(category=fostering).exists()
    ):
        accounts.vacancy_add(
            organisation=organisation,
            provider=first,
            category=fostering,
            places=1,
            age_from=first.age_from,
            age_to=first.age_to,
            available_from=None,
            email=DEMO_ACCOUNT_EMAIL,
        )
    return organisation


DEMO_CARERS = [
    # reference, names, ages, at once, kinds of care, children now, room
    ("FC-101", "Pat and Sam Morgan", (0, 17), 2, ["emergency", "short_term"], 0, 1),
    ("FC-214", "Jo Fairweather", (8, 17), 2, ["long_term", "short_term"], 1, 1),
    ("FC-330", "Ade and Kim Lewis", (0, 11), 3, ["long_term", "parent_and_child"], 1, 0),
    ("FC-412", "Rowan Price", (5, 17), 1, ["respite"], 0, 0),
]


def seed_demo_carers(duty: User) -> int:
    """The council's own foster carers, once: some with a child, some with room."""
    if FosterCarer.objects.exists():
        return 0
    today = timezone.localdate()
    for reference, names, ages, at_once, kinds, children, room in DEMO_CARERS:
        carer = carers.carer_save(
            values={
                "reference": reference,
                "names": names,
                "postcode_district": "LE1",
                "approved_age_from": ages[0],
                "approved_age_to": ages[1],
                "approved_children": at_once,
                "supervising_social_worker": "Fran Ellis",
                "skills": "Trauma-informed care course; experience with teenagers",
                "is_active": True,
            },
            care_types=kinds,
            actor=duty,
        )
        for n in range(children):
            carers.child_add(
                carer=carer,
                values={
                    "initials": f"K{n + 1}",
                    "date_of_birth": today - dt.timedelta(days=365 * (ages[0] + 3)),
                    "placed_on": today - dt.timedelta(days=200),
                    "social_worker": "Priya Shah",
                    "social_worker_email": "priya.social@council.example",
                    "iro": "Ivor Reid",
                    "iro_email": "iro@council.example",
                },
                actor=duty,
            )
        if room:
            carers.vacancy_add(
                carer=carer, places=room, available_from=None, care_types=kinds[:1], actor=duty
            )
    return len(DEMO_CARERS)


def seed_demo_match(duty: User) -> bool:
    """Once: carers FC-214 say yes in an open in-house round, and matching is under way
    (the profile shared, the other child's social worker and IRO asked)."""
    from referrals.inhouse import matching
    from referrals.inhouse import services as inhouse
    from referrals.models import CarerMatch, SearchRound

    carer = FosterCarer.objects.filter(reference="FC-214").first()
    search_round = (
        SearchRound.objects.filter(kind=SearchRound.Kind.IN_HOUSE, status=SearchRound.Status.OPEN)
        .order_by("pk")
        .first()
    )
    if carer is None or search_round is None or CarerMatch.objects.exists():
        return False
    enquiry = inhouse.carer_ask(search_round=search_round, carer=carer, actor=duty)
    inhouse.carer_answer(
        enquiry=enquiry, answer="yes", note="Could take them from the weekend", actor=duty
    )
    match = matching.match_start(enquiry=enquiry, actor=duty)
    matching.profile_share(match=match, actor=duty)
    return True

"""Load realistic, entirely fictional demo data. Safe to run again: it adds only
what is missing. `--scale N` multiplies the provider directory for benchmarks."""

import datetime as dt
import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from placements.models import CouncilSettings, Service, Team, User
from placements.roles import Role
from placements.services import user_roles_grant_without_second_approval
from providers.models import (
    Category,
    FrameworkStatus,
    Genders,
    OfstedRating,
    Provider,
    ProviderType,
    RegistrationStatus,
    Specialism,
    Tier,
)
from providers.services import provider_create
from referrals.models import ChronologyEntry, Referral

from ...demo.accounts import (
    DEMO_ACCOUNT_EMAIL,
    seed_demo_account,
    seed_demo_carers,
    seed_demo_match,
)
from ...demo.bulk import seed_bulk_referrals
from ...demo.geography import demo_district, seed_demo_districts
from ...demo.packages import seed_demo_areas, seed_demo_packages
from ...demo.referrals import seed_demo_referrals

DEMO_PASSWORD_DEFAULT = "demo-password-2026"  # noqa: S105 (fictional demo accounts only)

SERVICES = {
    "Children in Care": ["Children in Care North", "Children in Care South"],
    "Disabled Children's Service": ["Disabled Children's Team"],
    "Safeguarding and Family Support": ["Family Support East"],
}

# (email local part, name, roles, team)
DEMO_USERS = [
    ("sam.social", "Sam Okafor", [Role.SOCIAL_WORKER], "Children in Care North"),
    ("priya.social", "Priya Shah", [Role.SOCIAL_WORKER], "Children in Care South"),
    ("dan.social", "Dan Whitfield", [Role.SOCIAL_WORKER], "Disabled Children's Team"),
    ("tessa.manager", "Tessa Brown", [Role.TEAM_MANAGER], "Children in Care North"),
    ("lee.manager", "Lee Carter", [Role.TEAM_MANAGER], "Children in Care South"),
    ("maya.manager", "Maya Hughes", [Role.TEAM_MANAGER], "Disabled Children's Team"),
    ("sophie.lead", "Sophie Grant", [Role.SERVICE_LEAD], "Children in Care North"),
    ("omar.lead", "Omar Haddad", [Role.SERVICE_LEAD], "Disabled Children's Team"),
    ("bola.officer", "Bola Adeyemi", [Role.BROKERAGE_OFFICER], None),
    ("chris.officer", "Chris Lam", [Role.BROKERAGE_OFFICER], None),
    ("dee.duty", "Dee Marsh", [Role.BROKERAGE_OFFICER, Role.DUTY_LEAD], None),
    ("fran.fostering", "Fran Ellis", [Role.FOSTERING_DUTY], None),
    ("sunita.senior", "Sunita Rao", [Role.SENIOR_MANAGER], None),
    ("hugh.head", "Hugh Pemberton", [Role.HEAD_OF_SERVICE], None),
    ("dina.director", "Dina Kowalski", [Role.DIRECTOR], None),
    ("alex.admin", "Alex Morgan", [Role.ADMINISTRATOR], None),
    # A second administrator: approving roles need two.
    ("sasha.admin", "Sasha Patel", [Role.ADMINISTRATOR], None),
]

SPECIALISMS = [
    "Autism",
    "Learning disability",
    "Physical disability",
    "Complex health needs",
    "Child sexual exploitation",
    "Criminal exploitation",
    "Emotional and behavioural difficulties",
    "Sibling groups",
    "Unaccompanied asylum-seeking children",
    "Parent and baby assessments",
    "Therapeutic care",
    "Attachment difficulties",
    "Self-harm",
    "Substance misuse",
    "Staying put",
    "Solo placements",
    "Education on site",
    "Remand and youth justice",
]

PLACES = [
    "Ashford",
    "Barnley",
    "Castlebrook",
    "Dunmere",
    "Elmsworth",
    "Fairhaven",
    "Glenmoor",
    "Hartwell",
    "Ivybridge",
    "Kingsmead",
    "Larkfield",
    "Marlow Vale",
    "Northgate",
    "Oakhurst",
    "Pennington",
    "Queensbury",
    "Redcliffe",
    "Stanway",
    "Thornbury",
    "Upton Hill",
    "Westmere",
]
NOUNS = ["House", "Lodge", "Court", "View", "Gardens", "Place", "Grange", "Cottage"]
AGENCY_WORDS = [
    "Horizon",
    "Compass",
    "Harbour",
    "Brighter",
    "Keystone",
    "Evergreen",
    "Lantern",
    "Willow",
    "Haven",
    "Pathways",
    "Anchor",
    "Beacon",
    "Bridges",
    "Meadow",
]
TYPE_CATEGORIES = {
    ProviderType.IN_HOUSE_FOSTERING: ["fostering", "parent-and-child"],
    ProviderType.INDEPENDENT_FOSTERING: ["fostering", "parent-and-child"],
    ProviderType.RESIDENTIAL: ["residential"],
    ProviderType.SHORT_BREAKS: ["short-breaks"],
    ProviderType.HOME_CARE: ["home-care", "short-breaks"],
    ProviderType.SUPPORTED_ACCOMMODATION: ["supported-accommodation"],
}
TYPE_WEIGHTS = [
    (ProviderType.INDEPENDENT_FOSTERING, 30),
    (ProviderType.RESIDENTIAL, 35),
    (ProviderType.SHORT_BREAKS, 12),
    (ProviderType.HOME_CARE, 15),
    (ProviderType.SUPPORTED_ACCOMMODATION, 18),
]


class Command(BaseCommand):
    help = "Load fictional demo data (idempotent). --scale multiplies the provider directory."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Referral volume for benchmarks: 50 open, 200 closed and 2,000 chronology "
            "entries per unit above 1 (100 gives 5,000, 20,000 and 200,000)",
        )
        parser.add_argument(
            "--provider-scale", type=int, default=1, help="Multiply the 120 providers by this"
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins")

    def handle(self, *args, scale: int, provider_scale: int, quiet_logins: bool, **options):
        password = getattr(settings, "DEMO_PASSWORD", None) or DEMO_PASSWORD_DEFAULT
        rng = random.Random(2026)
        with transaction.atomic():
            CouncilSettings.load()
            teams = self._teams()
            users = self._users(teams, password)
            specialisms = self._specialisms()
        admin = users["alex.admin"]
        areas = seed_demo_areas(admin)
        seed_demo_districts()
        created = self._providers(
            rng, specialisms, admin, count=120 * max(provider_scale, 1), areas=areas
        )
        seed_demo_account(admin)
        seed_demo_carers(users["fran.fostering"])
        demo_referrals = seed_demo_referrals(users) + seed_demo_packages(users)
        seed_demo_match(users["fran.fostering"])
        bulk = (0, 0)
        if scale > 1:
            bulk = seed_bulk_referrals(scale=scale, users=users, teams=teams)
        self.stdout.write(
            f"Demo data ready: {User.objects.count()} users, "
            f"{Provider.objects.count()} providers ({created} new), "
            f"{Referral.objects.count()} referrals ({demo_referrals + bulk[0]} new), "
            f"{ChronologyEntry.objects.count()} chronology entries."
        )
        if not quiet_logins:
            domain = "council.example"
            self.stdout.write(f"\nDemo sign-ins (password for all: {password})")
            for local, name, roles, _team in DEMO_USERS:
                labels = ", ".join(Role(r).label for r in roles)
                self.stdout.write(f"  {local + '@' + domain:<32} {name:<16} {labels}")
            self.stdout.write(
                f"\nA provider signs in at /provider/sign-in/ as {DEMO_ACCOUNT_EMAIL}; "
                "the emailed link is written to var/outbox/."
            )

    def _teams(self) -> dict[str, Team]:
        teams = {}
        for service_name, team_names in SERVICES.items():
            service, _ = Service.objects.get_or_create(name=service_name)
            for team_name in team_names:
                teams[team_name], _ = Team.objects.get_or_create(
                    name=team_name, defaults={"service": service}
                )
        return teams

    def _users(self, teams, password) -> dict[str, User]:
        users = {}
        for local, name, roles, team_name in DEMO_USERS:
            email = f"{local}@council.example"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    full_name=name,
                    team=teams.get(team_name) if team_name else None,
                )
            # Demo approvers and administrators exist from the start: no second
            # administrator approves them, and nobody is emailed.
            user_roles_grant_without_second_approval(
                user=user, roles=roles, source="demo data", notify=False
            )
            users[local] = user
        return users

    def _specialisms(self) -> list[Specialism]:
        return [Specialism.objects.get_or_create(name=name)[0] for name in SPECIALISMS]

    def _providers(self, rng, specialisms, actor, *, count, areas) -> int:
        categories = {c.slug: c for c in Category.objects.all()}
        existing = set(Provider.objects.values_list("reference", flat=True))
        today = timezone.localdate()
        created = 0
        # The council's own fostering service comes first.
        specs: list[tuple[str, str | None, str]] = [
            ("PRV-0000", "Northshire Fostering Service", ProviderType.IN_HOUSE_FOSTERING)
        ]
        types = [t for t, w in TYPE_WEIGHTS for _ in range(w)]
        for n in range(1, count):
            specs.append((f"PRV-{n:04d}", None, rng.choice(types)))
        for reference, name, provider_type in specs:
            # Draw every value even for existing rows so later rows stay the same.
            values, cats, chosen = self._provider_values(
                rng, reference, name, provider_type, categories, specialisms, today
            )
            if reference in existing:
                continue
            provider_create(
                values=values,
                categories=cats,
                specialisms=chosen,
                areas=self._areas_covered(reference, provider_type, areas),
                actor=actor,
                source="demo data",
            )
            created += 1
        return created

    @staticmethod
    def _areas_covered(reference, provider_type, areas) -> list:
        """Where a provider of support at home works: one to three areas, most often
        including the city. Drawn apart from the other values, which stay as they were."""
        if provider_type not in (ProviderType.SHORT_BREAKS, ProviderType.HOME_CARE):
            return []
        rng = random.Random(reference)
        covered = rng.sample(areas, k=rng.randint(1, min(3, len(areas))))
        if areas and rng.random() < 0.7 and areas[0] not in covered:
            covered.append(areas[0])
        return covered

    def _provider_values(self, rng, reference, name, provider_type, categories, specialisms, today):
        place = rng.choice(PLACES)
        in_house = provider_type == ProviderType.IN_HOUSE_FOSTERING
        if name is None:
            if provider_type in (ProviderType.RESIDENTIAL, ProviderType.SUPPORTED_ACCOMMODATION):
                name = f"{place} {rng.choice(NOUNS)}"
            elif provider_type == ProviderType.INDEPENDENT_FOSTERING:
                name = f"{rng.choice(AGENCY_WORDS)} Fostering ({place})"
            elif provider_type == ProviderType.HOME_CARE:
                name = f"{rng.choice(AGENCY_WORDS)} Home Care {place}"
            else:
                name = f"{rng.choice(AGENCY_WORDS)} Short Breaks {place}"
            name = f"{name} {reference[-3:]}" if rng.random() < 0.15 else name
        rating = rng.choices(
            [
                OfstedRating.OUTSTANDING,
                OfstedRating.GOOD,
                OfstedRating.REQUIRES_IMPROVEMENT,
                OfstedRating.INADEQUATE,
                OfstedRating.NOT_YET_INSPECTED,
            ],
            weights=[18, 60, 14, 3, 5],
        )[0]
        ri = rating == OfstedRating.REQUIRES_IMPROVEMENT and rng.random() < 0.5
        initial = today - dt.timedelta(days=rng.randint(200, 2500))
        annual = today - dt.timedelta(days=rng.randint(10, 500)) if rng.random() < 0.85 else None
        if annual and annual < initial:
            annual = None
        no_qa = rng.random() < 0.06
        residential_like = provider_type in (
            ProviderType.RESIDENTIAL,
            ProviderType.SUPPORTED_ACCOMMODATION,
        )
        capacity = rng.randint(2, 6) if residential_like else rng.randint(5, 60)
        vacancies = rng.choice([0, 0, 0, 1, 1, 2, 3])
        vacancies = min(vacancies, capacity)
        age_from = (
            16
            if provider_type == ProviderType.SUPPORTED_ACCOMMODATION
            else rng.choice([0, 0, 5, 8, 11])
        )
        age_to = rng.choice([17, 18, 21, 25]) if age_from == 16 else rng.choice([11, 17, 17, 18])
        age_to = max(age_to, min(age_from + 6, 18))
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20] or "provider"
        values = {
            "name": name,
            "reference": reference,
            "provider_type": provider_type,
            "tier": Tier.INSIDE if in_house or rng.random() < 0.45 else Tier.OUTSIDE,
            "is_in_house": in_house,
            "ofsted_urn": "SC" + f"{500000 + int(reference[-4:]):06d}",
            "ofsted_rating": rating,
            "ofsted_registration_status": RegistrationStatus.ACTIVE,
            "ofsted_inspection_date": (
                None
                if rating == OfstedRating.NOT_YET_INSPECTED
                else today - dt.timedelta(days=rng.randint(30, 1100))
            ),
            "qa_initial_visit_date": None if no_qa else initial,
            "qa_latest_annual_visit_date": None if no_qa else annual,
            "ri_exception_agreed_by": "Hugh Pemberton, Head of Service" if ri else "",
            "ri_exception_agreed_on": today - dt.timedelta(days=rng.randint(10, 200))
            if ri
            else None,
            "age_from": age_from,
            "age_to": age_to,
            "genders": rng.choices([Genders.ANY, Genders.MALE, Genders.FEMALE], [80, 10, 10])[0],
            "capacity": capacity,
            "vacancies": vacancies,
            "vacancy_available_from": (
                today + dt.timedelta(days=rng.randint(0, 45)) if vacancies else None
            ),
            "referral_emails": [f"referrals@{slug}.example"]
            + ([f"duty@{slug}.example"] if rng.random() < 0.3 else []),
            "phone": f"01632 {rng.randint(100000, 999999)}",
            "postcode_district": demo_district(PLACES.index(place)),
            "notes": "",
        }
        framework = (
            FrameworkStatus.FRAMEWORK
            if in_house
            else rng.choices(
                [FrameworkStatus.FRAMEWORK, FrameworkStatus.OFF_FRAMEWORK, FrameworkStatus.SPOT],
                [55, 25, 20],
            )[0]
        )
        slugs = TYPE_CATEGORIES[provider_type]
        cats = {categories[slugs[0]]: framework}
        if len(slugs) > 1 and rng.random() < 0.4:
            cats[categories[slugs[1]]] = rng.choice(list(FrameworkStatus))
        chosen = rng.sample(specialisms, k=rng.randint(0, 4))
        return values, cats, chosen

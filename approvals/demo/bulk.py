"""Benchmark volumes of referrals, written in bulk in the shape the services leave."""

import datetime as dt
import random

from django.utils import timezone

from placements.models import User
from referrals.models import Child, ChronologyEntry, PlacementType, Referral

from .children import PROFILE, child_values


def seed_bulk_referrals(*, scale: int, users: dict[str, User], teams) -> tuple[int, int]:
    """Benchmark volumes: 50 open and 200 closed referrals and 2,000 chronology
    entries per unit of scale. Written in bulk (the services would take hours at
    this size), with the same fields the services set."""
    existing = Referral.objects.filter(reference__startswith="BULK").count()
    wanted_open, wanted_closed = 50 * scale, 200 * scale
    if existing >= wanted_open + wanted_closed:
        return 0, 0
    rng = random.Random(99)
    now = timezone.now()
    today = timezone.localdate()
    types = list(PlacementType.objects.all())
    social_workers = [users["sam.social"], users["priya.social"], users["dan.social"]]
    officers = [users["bola.officer"], users["chris.officer"], users["dee.duty"], None]
    open_states = [
        Referral.Status.SUBMITTED,
        Referral.Status.ENDORSED,
        Referral.Status.APPROVED,
        Referral.Status.QA_RETURNED,
        Referral.Status.ACCEPTED,
        Referral.Status.ACCEPTED,
        Referral.Status.ACCEPTED,
    ]
    chronology_per_referral = 8
    made = 0
    batch = 2000
    total = wanted_open + wanted_closed
    for start in range(existing, total, batch):
        rows = []
        for n in range(start, min(start + batch, total)):
            is_open = n < wanted_open
            sw = social_workers[n % 3]
            submitted = now - dt.timedelta(days=rng.randint(1, 400 if not is_open else 60))
            rows.append(
                Referral(
                    reference=f"BULK-{n:06d}",
                    status=rng.choice(open_states) if is_open else Referral.Status.WITHDRAWN,
                    social_worker=sw,
                    team=sw.team,
                    kind=rng.choices(["planned", "emergency", "new_into_care"], [80, 8, 12])[0],
                    is_urgent=rng.random() < 0.15,
                    placement_type=rng.choice(types),
                    date_needed=today + dt.timedelta(days=rng.randint(-10, 60)),
                    expected_duration="Long term",
                    location_preferences="None",
                    location_restrictions="N/A",
                    education_needed=False,
                    therapy_needed=False,
                    getting_to_know_me=PROFILE,
                    assigned_officer=rng.choice(officers),
                    priority=rng.choices([1, 2, 3], [10, 80, 10])[0],
                    next_action="Chase providers" if rng.random() < 0.6 else "",
                    next_action_due=today + dt.timedelta(days=rng.randint(-5, 10)),
                    created_at=submitted,
                    submitted_at=submitted,
                    closed_at=None if is_open else submitted + dt.timedelta(days=20),
                )
            )
        created = Referral.objects.bulk_create(rows, batch_size=1000)
        Child.objects.bulk_create(
            [Child(referral=r, **child_values(rng, today)) for r in created], batch_size=1000
        )
        ChronologyEntry.objects.bulk_create(
            [
                ChronologyEntry(
                    referral=r,
                    at=r.created_at + dt.timedelta(hours=h),  # made as it was submitted
                    actor=r.social_worker,
                    kind=ChronologyEntry.Kind.NOTE,
                    text="Called the provider, no answer",
                )
                for r in created
                for h in range(chronology_per_referral)
            ],
            batch_size=5000,
        )
        made += len(created)
    return made, made * chronology_per_referral

"""Demo referrals: a handful taken through the real services for people to try,
and, for benchmarks, bulk volumes written directly in the shape the services leave."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvals.costs.services import approval_approve
from approvals.offers.selectors import current_offers
from approvals.offers.services import option_choose, shortlist_send
from approvals.placement.models import ProviderFeedback
from approvals.placement.services.agreement import (
    agreement_countersign,
    agreement_issue,
    agreement_sign,
)
from approvals.placement.services.feedback import feedback_send, unsuccessful_requests
from approvals.placement.services.placement import placement_confirm
from placements.models import User
from placements.services import DomainError
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import Child, ChronologyEntry, PlacementType, Referral, SearchRound
from referrals.pack import services as pack_services
from referrals.permission import services as permission
from referrals.search import answers, rounds

# Given names with the gender the demo records for them, so the two agree.
FIRST = [
    ("Jayden", "Male"),
    ("Amelia", "Female"),
    ("Tyler", "Male"),
    ("Maya", "Female"),
    ("Kai", "Male"),
    ("Lily", "Female"),
    ("Noah", "Male"),
    ("Ava", "Female"),
    ("Leo", "Male"),
    ("Isla", "Female"),
    ("Mason", "Male"),
    ("Zara", "Female"),
    ("Ethan", "Male"),
    ("Ruby", "Female"),
    ("Logan", "Male"),
    ("Sienna", "Female"),
    ("Harley", "Male"),
    ("Grace", "Female"),
]
LAST = [
    "O'Brien",
    "Nowak",
    "Patel",
    "Hughes",
    "Okafor",
    "Clarke",
    "Mensah",
    "Walsh",
    "Begum",
    "Kowalski",
    "Reid",
    "Ahmed",
    "Doyle",
    "Shaw",
]
PLACES = ["Barnley", "Castlebrook", "Elmsworth", "Hartwell", "Kingsmead", "Northgate"]
PROFILE = (
    "I love football and drawing, and I support Barnley Town. I like my routines: "
    "breakfast at the same time, and knowing what is happening after school. Loud "
    "arguments frighten me and I go quiet when I am worried. What helps is someone "
    "sitting with me and not asking too many questions straight away. I want to stay "
    "at my school because my friends are there and I am good at PE. I see my mum every "
    "Saturday and that matters to me a lot."
)


def _child(rng: random.Random, today: dt.date) -> dict:
    # School age (5 to 17): the demo's profile talks of school and PE.
    born = today - dt.timedelta(days=rng.randint(5 * 365 + 30, 17 * 365))
    place = rng.choice(PLACES)
    first_name, gender = rng.choice(FIRST)
    return {
        "first_name": first_name,
        "middle_names": "",
        "last_name": rng.choice(LAST),
        "known_as": "",
        "date_of_birth": born,
        "gender": gender,
        "ethnicity": rng.choice(["White British", "Black British", "Mixed", "Asian British"]),
        "religion": rng.choice(["None", "Christian", "Muslim"]),
        "first_language": "English",
        "legal_status": rng.choice(["Section 20", "Interim care order", "Care order"]),
        "address": f"{rng.randint(1, 90)} Mill Lane, {place}",
        "postcode": "LE1 6ZG",
        "school": f"{place} Academy",
        "sen_disability": rng.choice(["None", "ADHD", "Autism"]),
        "health": "None",
        "behaviours": rng.choice(["None", "Can lash out when anxious"]),
        "risks": rng.choice(["None", "Goes missing when anxious"]),
        "interests": "Football, drawing",
    }


def _complete_draft(rng, social_worker, today, *, kind, urgent, days) -> Referral:
    referral = drafting.referral_start(social_worker=social_worker)
    drafting.child_save(referral=referral, values=_child(rng, today), actor=social_worker)
    drafting.person_save(
        referral=referral,
        values={"full_name": f"Kerry {rng.choice(LAST)}", "relationship": "Mum", "notes": ""},
        actor=social_worker,
    )
    drafting.referral_update_needs(
        referral=referral,
        values={
            "kind": kind,
            "is_urgent": urgent,
            "placement_type": PlacementType.objects.get(
                slug=rng.choice(["in-house-foster", "external-foster", "residential"])
            ),
            "date_needed": today + dt.timedelta(days=days),
            "expected_duration": "Long term",
            "location_preferences": "Near school",
            "location_restrictions": "N/A",
            "education_needed": False,
            "therapy_needed": False,
        },
        actor=social_worker,
    )
    drafting.outcomes_set(
        referral=referral,
        texts=["Stays at the same school", "Keeps seeing Mum weekly"],
        actor=social_worker,
    )
    drafting.referral_update_profile(
        referral=referral, getting_to_know_me=PROFILE, actor=social_worker
    )
    return referral


def seed_demo_referrals(users: dict[str, User]) -> int:
    """A few referrals at each step, for people trying the service. Once only."""
    if Referral.objects.exists():
        return 0
    rng = random.Random(7)
    today = timezone.localdate()
    sw, tm, sl = users["sam.social"], users["tessa.manager"], users["sophie.lead"]
    officer, duty = users["bola.officer"], users["dee.duty"]
    made = []
    with transaction.atomic():
        made.append(_complete_draft(rng, sw, today, kind="planned", urgent=False, days=30))
        for days, kind, urgent in [(10, "planned", False), (3, "emergency", True)]:
            draft = _complete_draft(rng, sw, today, kind=kind, urgent=urgent, days=days)
            made.append(drafting.referral_submit(referral=draft, actor=sw))
        for n, days in enumerate([5, 14, 21, 2, 9, 40]):
            draft = _complete_draft(rng, sw, today, kind="planned", urgent=n == 3, days=days)
            referral = drafting.referral_submit(referral=draft, actor=sw)
            referral = permission.search_endorse(referral=referral, actor=tm, comments="Agreed")
            referral = permission.search_approve(referral=referral, actor=sl, comments="Approved")
            if n >= 2:
                referral = brokerage.referral_qa_accept(
                    referral=referral, actor=officer if n % 2 else duty, take_it=n % 2 == 1
                )
                referral = brokerage.referral_set_next_action(
                    referral=referral,
                    next_action="Send to in-house fostering duty",
                    due=today + dt.timedelta(days=n - 3),
                    actor=officer,
                )
            made.append(referral)
        _demo_search(made[-1], officer, today)
        # Two more searched, for trying what follows: one with offers to compare (their
        # totals, fee plus £100 of therapy, fall in each approver's band: £3,750 for the
        # senior manager, £5,500 for the head of service, £7,000, over the funding
        # approval, for the director; the in-house £950 for the team manager), one
        # taken all the way to a signed agreement (so the tracker has a placement).
        ready = _demo_offers(made[-2], officer, today, fees=[5400, 3650, 6900])
        placed = _demo_offers(made[-3], officer, today, fees=[3200, 3650])
        if ready and placed:
            _demo_placed(placed, officer, users, today)
    return len(made)


def _offer_values(fee: int, today: dt.date, n: int) -> dict:
    return {
        "carer_reference": f"Carers FC-{300 + n}",
        "weekly_fee": Decimal(fee),
        "education_weekly": Decimal("0"),
        "therapy_weekly": Decimal("100"),
        "wraparound_weekly": Decimal("0"),
        "transport_weekly": Decimal("0"),
        "one_off_costs": Decimal("250"),
        "one_off_details": "Bedroom furniture",
        "available_from": today + dt.timedelta(days=7 + n),
        "needs_met": "Carers experienced with teenagers; a short drive to school; "
        "weekly therapy arranged.",
        "ofsted_urn": "",
    }


def _demo_offers(referral: Referral, officer: User, today: dt.date, *, fees) -> Referral | None:
    """Pack released, funding approved at £6,000, the in-house and framework rounds
    sent, and an offer from the first framework providers at each fee (fee plus £100 of
    therapy a week)."""
    if referral.status != Referral.Status.ACCEPTED:
        return None
    pack = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Checked: safe to send", actor=officer)
    pack_services.pack_release(resource_request=pack, actor=officer)
    permission.funding_approval_record(
        referral=referral,
        approved_by="Sunita Rao",
        weekly_amount=Decimal("6000"),
        approved_on=today,
        actor=officer,
    )
    for kind in (SearchRound.Kind.IN_HOUSE, SearchRound.Kind.FRAMEWORK):
        (search_round,) = rounds.round_start(referral=referral, kind=kind, actor=officer)
        if kind == SearchRound.Kind.FRAMEWORK:  # a wider choice, as agreed
            rounds.round_set_criteria(
                search_round=search_round,
                criteria={"tier": ""},
                actor=officer,
                social_worker_agreement="The social worker agreed by phone: any distance "
                "that keeps him at his school",
            )
        search_round = _sent(search_round, officer)
        if search_round is None:
            return None
    in_house = referral.search_rounds.get(kind=SearchRound.Kind.IN_HOUSE).requests.first()
    if in_house is not None:  # the council's own carers, too far from school
        answers.offer_make(
            provider_request=in_house,
            responder_name="Fostering duty",
            values=_offer_values(850, today, 9),
        )
    requests = list(search_round.requests.order_by("pk")[: len(fees)])
    for n, (request, fee) in enumerate(zip(requests, fees, strict=False)):
        answers.offer_make(
            provider_request=request,
            responder_name="Jo Matching",
            values=_offer_values(fee, today, n),
        )
    return referral


def _sent(search_round: SearchRound, officer: User) -> SearchRound | None:
    """Send the round; if its filters leave nobody (the in-house service takes only some
    ages), the officer drops the age filter, as they would, and sends it then."""
    for criteria in (None, {"age_fits": False}):
        if criteria:
            rounds.round_set_criteria(search_round=search_round, criteria=criteria, actor=officer)
        try:
            return rounds.round_send(search_round=search_round, actor=officer)
        except DomainError:
            continue
    rounds.round_cancel(search_round=search_round, actor=officer)
    return None


def _demo_placed(referral: Referral, officer: User, users: dict[str, User], today) -> None:
    """The cheapest offer sent, chosen, approved by the senior manager, confirmed,
    signed by the provider and countersigned by the duty lead; the other provider given
    feedback."""
    standing = sorted(current_offers(referral), key=lambda offer: offer.agreed_total_weekly)
    if not standing:
        return
    shortlist = shortlist_send(
        referral=referral, responses=standing[:1], note="The closest to school.", actor=officer
    )
    approval = option_choose(
        shortlist=shortlist,
        option=shortlist.options.get(),
        rationale="Near school and used to teenagers; he can keep his football club.",
        actor=users["sam.social"],
    )
    approval_approve(approval=approval, actor=users["sunita.senior"], comments="Agreed")
    made = placement_confirm(
        approval=approval, start_date=approval.option.response.available_from, actor=officer
    )
    agreement = agreement_issue(placement=made, actor=officer)
    agreement_sign(
        agreement=agreement, name="Jo Matching", role="Registered manager", declaration=True
    )
    # Someone other than the officer who issued it countersigns (a council setting).
    duty = users["dee.duty"]
    agreement_countersign(
        agreement=agreement,
        actor=duty,
        name=duty.full_name,
        role=duty.job_title or "Duty lead",
        declaration=True,
    )
    others = unsuccessful_requests(referral)
    if others:
        feedback_send(
            referral=referral,
            entries=[(request, [ProviderFeedback.Reason.COST], "") for request in others],
            actor=officer,
        )


def _demo_search(referral: Referral, officer: User, today: dt.date) -> None:
    """One referral part-way through its search: pack released, the in-house round and a
    framework round sent, one offer and one "no option" in. The provider emails (with
    their links) are in the file outbox, so anyone trying the service can answer one."""
    pack = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Checked: safe to send", actor=officer)
    pack_services.pack_release(resource_request=pack, actor=officer)
    permission.funding_approval_record(
        referral=referral,
        approved_by="Sunita Senior",
        weekly_amount=Decimal("5500"),
        approved_on=today,
        actor=officer,
    )
    for kind in (SearchRound.Kind.IN_HOUSE, SearchRound.Kind.FRAMEWORK):
        (search_round,) = rounds.round_start(referral=referral, kind=kind, actor=officer)
        try:
            search_round = rounds.round_send(search_round=search_round, actor=officer)
        except DomainError:
            rounds.round_cancel(search_round=search_round, actor=officer)
            return
    first, second, *_ = [*search_round.requests.order_by("pk"), None, None]
    if first is not None:
        answers.offer_make(
            provider_request=first,
            responder_name="Jo Matching",
            values={
                "carer_reference": "Carers FC-214",
                "weekly_fee": Decimal("1050"),
                "education_weekly": Decimal("0"),
                "therapy_weekly": Decimal("150"),
                "wraparound_weekly": Decimal("0"),
                "transport_weekly": Decimal("60"),
                "one_off_costs": Decimal("0"),
                "one_off_details": "",
                "available_from": today + dt.timedelta(days=7),
                "needs_met": "Experienced carers with a teenager placed before; "
                "a twenty-minute drive to school.",
                "ofsted_urn": first.provider.ofsted_urn,
            },
        )
    if second is not None:
        answers.no_option_give(
            provider_request=second,
            responder_name="Lee Duty",
            reason="No carers with space for a teenager until the new year.",
        )


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
            [Child(referral=r, **_child(rng, today)) for r in created], batch_size=1000
        )
        ChronologyEntry.objects.bulk_create(
            [
                ChronologyEntry(
                    referral=r,
                    at=r.submitted_at + dt.timedelta(hours=h),
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

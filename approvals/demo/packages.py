"""Demo packages of support at home, taken through the real services: a short break
waiting for its award, and a home care package with term-time and holiday tables
awarded, its agreement countersigned. Areas of the council, for providers to cover."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvals.costs.services import approval_approve
from approvals.packages.rules import Part
from approvals.packages.selectors import service_answers
from approvals.packages.services import package_award, package_confirm
from approvals.placement.services.agreement import agreement_issue
from placements.models import User
from placements.services import DomainError
from providers.models import Area
from providers.services import area_save
from referrals.brokerage import services as brokerage
from referrals.drafting import services as drafting
from referrals.models import ProviderRequest, Referral, SearchRound
from referrals.pack import services as pack_services
from referrals.packages import services as packages
from referrals.permission import services as permission
from referrals.search import answers, rounds

from .children import child_values
from .referrals import sign_and_countersign

AREAS = {
    "City": "LE1, LE2, LE3, LE4, LE5",
    "North West": "LE11, LE12, LE67",
    "South": "LE8, LE9, LE10, LE17",
    "East": "LE7, LE14, LE15",
}


def seed_demo_areas(admin: User) -> list[Area]:
    """The council's areas, once."""
    existing = {area.name: area for area in Area.objects.all()}
    return [
        existing.get(name) or area_save(name=name, districts=districts, actor=admin)
        for name, districts in AREAS.items()
    ]


def slot_row(service, period, day, *, starts=None, ends=None, hours, part="") -> dict:
    """A row of a weekly table as `referrals.packages.services.slot_save` takes it."""
    return {
        "service": service,
        "period": period,
        "day": day,
        "part_of_day": part,
        "starts": dt.time.fromisoformat(starts) if starts else None,
        "ends": dt.time.fromisoformat(ends) if ends else None,
        "hours": Decimal(hours),
    }


SHORT_BREAK_WEEK = [
    slot_row("short_break", "all_year", 5, hours="4", part="afternoon"),
    slot_row("short_break", "holiday", 2, starts="10:00", ends="15:00", hours="5"),
]
HOME_CARE_WEEK = [
    # Getting ready for school: an hour between 07:00 and 08:30 each school day.
    *(slot_row("home_care", "term", d, starts="07:00", ends="08:30", hours="1") for d in range(5)),
    slot_row("home_care", "term", 1, starts="16:00", ends="18:00", hours="2"),
    slot_row("home_care", "term", 3, starts="16:00", ends="18:00", hours="2"),
    *(
        slot_row("home_care", "holiday", d, starts="09:00", ends="12:00", hours="3")
        for d in (0, 2, 4)
    ),
]


def package_draft(rng, social_worker: User, today: dt.date, *, service: str) -> Referral:
    referral = drafting.referral_start(social_worker=social_worker, service=service)
    drafting.child_save(
        referral=referral,
        values={
            **child_values(rng, today),
            "legal_status": "N/A: lives at home",
            "sen_disability": "Autism; global developmental delay",
            "mobility_issues": True,
            "mobility_equipment": "Wheelchair outdoors; a hoist for transfers at home",
            "school_holidays": "As the county calendar, with an extra INSET day on 3 June",
        },
        actor=social_worker,
    )
    drafting.person_save(
        referral=referral,
        values={
            "full_name": "Kerry Walsh",
            "relationship": "Mum",
            "notes": "",
            "is_principal_contact": True,
            "phone": "07700 900456",
        },
        actor=social_worker,
    )
    packages.package_update(
        referral=referral,
        values={
            "worker_phone": "0116 305 0000",
            "start_date": today + dt.timedelta(days=28),
            "end_date": today + dt.timedelta(days=28 + 365),
            "family_unavailable": "None",
            "change": "new",
            "approval_basis": "panel",
            "approval_date": today - dt.timedelta(days=5),
            "bank_holidays_needed": False,
            "travel": "short_drive",
            "short_break_notes": "Loves swimming and the sensory room; needs a changing bench",
            "home_care_activities": "Getting ready for school; tea, bath and bedtime routine",
            "home_care_notes": "1 hour between 07:00 and 08:30 on school days",
        },
        actor=social_worker,
    )
    week = SHORT_BREAK_WEEK if service == "short_break" else HOME_CARE_WEEK
    for row in week:
        packages.slot_save(referral=referral, values=row, actor=social_worker)
    if service == "short_break":
        # Next summer's play scheme: asked for now, kept on file until its window opens.
        packages.summer_request_save(
            referral=referral,
            values={
                "child": referral.children.get(),
                "year": today.year + 1,
                "case": "open",
                "days": 5,
                "preferred_dates": "Any days in the first two weeks of August",
                "unavailable_dates": "",
                "parents_told": True,
            },
            actor=social_worker,
        )
    drafting.outcomes_set(
        referral=referral,
        texts=[
            "Ready for school on time, calm",
            "Time with other children doing what he enjoys",
            "Mum gets regular breaks",
        ],
        actor=social_worker,
    )
    return referral


def package_released(referral: Referral, users: dict[str, User]) -> Referral:
    """Submitted, endorsed and approved by the Disabled Children's Team, accepted by
    brokerage and its pack released."""
    officer = users["bola.officer"]
    referral = drafting.referral_submit(referral=referral, actor=referral.social_worker)
    referral = permission.search_endorse(
        referral=referral, actor=users["maya.manager"], comments="Panel agreed it"
    )
    referral = permission.search_approve(
        referral=referral, actor=users["omar.lead"], comments="Approved"
    )
    referral = brokerage.referral_qa_accept(referral=referral, actor=officer, take_it=True)
    pack = pack_services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution="open"):
        pack_services.pack_flag_accept(flag=flag, reason="Checked: safe to send", actor=officer)
    pack_services.pack_release(resource_request=pack, actor=officer)
    referral.refresh_from_db()
    return referral


def _searching(referral: Referral, users: dict[str, User]) -> Referral:
    """Released, and its framework round sent."""
    referral = package_released(referral, users)
    officer = users["bola.officer"]
    for search_round in rounds.round_start(
        referral=referral, kind=SearchRound.Kind.FRAMEWORK, actor=officer
    ):
        rounds.round_send(search_round=search_round, actor=officer)
    referral.refresh_from_db()
    return referral


def _answer_all(referral: Referral, today: dt.date, rates: list[str]) -> None:
    """Every provider asked answers: the first ones cover it (the last of them part of
    it), the rest have no option."""
    search_round = referral.search_rounds.get()
    slots = list(referral.schedule.filter(service=search_round.service))
    for n, request in enumerate(search_round.requests.order_by("pk")):
        if n < len(rates):
            covered = slots if n < len(rates) - 1 else slots[: max(1, len(slots) // 2)]
            answers.package_offer_make(
                provider_request=request,
                responder_name="Jo Rota",
                values={
                    "carer_reference": f"Team {n + 1}",
                    "hourly_rate": Decimal(rates[n]),
                    "unsocial_hourly_rate": None,
                    "two_carer_hourly_rate": None,
                    "available_from": today + dt.timedelta(days=21),
                    "needs_met": "Carers trained in moving and handling and in autism; "
                    "the same two carers each week.",
                },
                covered={slot.pk: "standard" for slot in covered},
            )
        elif request.answer == ProviderRequest.Answer.AWAITING:
            answers.no_option_give(
                provider_request=request, responder_name="Jo Rota", reason="No staff free"
            )


def seed_demo_packages(users: dict[str, User]) -> int:
    """A short break waiting for its award and a home care package placed. Once only."""
    if Referral.objects.exclude(service=Referral.Service.PLACEMENT).exists():
        return 0
    rng = random.Random(13)
    today = timezone.localdate()
    dan, officer = users["dan.social"], users["bola.officer"]
    made = 0
    try:
        with transaction.atomic():
            short_break = _searching(package_draft(rng, dan, today, service="short_break"), users)
            _answer_all(short_break, today, ["21.50", "19.75", "18.00"])
            made += 1
            home_care = _searching(package_draft(rng, dan, today, service="home_care"), users)
            _answer_all(home_care, today, ["18.50", "17.25"])
            best = min(service_answers(home_care, "home_care"), key=lambda a: a.dearest)
            award = package_award(
                referral=home_care,
                parts=[Part(best.answer, "home_care")],
                reason="Covers the whole pattern at the lowest cost",
                actor=officer,
            )
            approval = award.options.get().approvals.get()
            if approval.status == "pending":
                approval_approve(approval=approval, actor=users["sunita.senior"], comments="Agreed")
            [placement] = package_confirm(
                approval=approval, start_date=today + dt.timedelta(days=28), actor=officer
            )
            sign_and_countersign(agreement_issue(placement=placement, actor=officer), users)
            made += 1
    except DomainError:
        # Too few providers of support at home in a small directory: no demo packages.
        return 0
    return made

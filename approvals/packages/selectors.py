"""Reads for awarding a package: each provider's current answer for the service, with
what it covers and costs, the dearest week cheapest first."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from providers.models import Provider
from referrals.models import (
    CoveredSlot,
    ProviderAnswer,
    ProviderRequest,
    Referral,
)
from referrals.packages.costing import WeekCost, answer_weeks
from referrals.packages.schedule import row_label
from referrals.search.package_rounds import rows_to_rebroker


@dataclass
class PackageAnswer:
    """One provider's current offer for a service, as the award page compares it."""

    answer: ProviderAnswer
    weeks: list[WeekCost]
    uncovered: list[str]

    @property
    def provider(self) -> Provider:
        return self.answer.request.provider

    @property
    def dearest(self) -> Decimal:
        return max((w.cost for w in self.weeks), default=Decimal(0))

    @property
    def covers_all(self) -> bool:
        return not self.uncovered


def service_answers(referral: Referral, service: str) -> list[PackageAnswer]:
    """Every provider's current offer for `service` in the referral's rounds (after the
    award, in the rounds brokering again the rows a provider can no longer cover), those
    covering everything asked first, then by the dearest week."""
    rebroker = sorted(rows_to_rebroker(referral).get(service, []))
    slots = [
        slot
        for slot in referral.schedule.filter(service=service)
        if not rebroker or slot.pk in rebroker
    ]
    requests = ProviderRequest.objects.filter(
        round__referral=referral,
        round__service=service,
        answer=ProviderRequest.Answer.OFFER,
        revoked_at__isnull=True,
    ).select_related("provider", "round")
    answers = (
        ProviderAnswer.objects.filter(request__in=requests)
        .select_related("request__provider", "request__round")
        .prefetch_related(
            Prefetch("covered", queryset=CoveredSlot.objects.select_related("slot")),
        )
        .order_by("request", "-version")
    )
    # The latest version of each: an offer, as its request says (the same read as
    # `offer_is_current`, for every answer at once).
    latest: dict[int, ProviderAnswer] = {}
    for answer in answers:
        if sorted(answer.request.round.rows or []) == rebroker:
            latest.setdefault(answer.request_id, answer)
    shown = []
    for answer in latest.values():
        if answer.kind != ProviderAnswer.Kind.OFFER:
            continue
        covered = {c.slot_id for c in answer.covered.all()}
        shown.append(
            PackageAnswer(
                answer,
                answer_weeks(answer, slots),
                [row_label(slot) for slot in slots if slot.pk not in covered],
            )
        )
    return sorted(shown, key=lambda a: (not a.covers_all, a.dearest, a.provider.name))

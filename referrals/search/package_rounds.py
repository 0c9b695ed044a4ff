"""The rounds of a package of support at home: one per service asked for, each to the
providers on that service's lot (a directory category) who cover the child's area."""

from placements.models import User
from placements.services import DomainError
from providers.models import Category
from referrals.models import Referral, SearchRound, Service, package_of
from referrals.search.rules import LOT_CATEGORY, default_criteria

Kind = SearchRound.Kind
RoundStatus = SearchRound.Status


def package_rounds(
    referral: Referral, rounds: list[SearchRound], *, kind: str, service: str, actor: User
) -> list[SearchRound]:
    """A package's rounds: framework providers on each service's lot first, all at once;
    off-framework providers for a service once its framework round has closed. The
    panel's approval is the package's funding."""
    asked = referral.services_asked
    if service and service not in asked:
        raise DomainError("This referral does not ask for that service")
    if kind not in (Kind.FRAMEWORK, Kind.OFF_FRAMEWORK):
        raise DomainError(
            "A package of support goes to framework providers first, then off-framework"
        )
    # After the award, only the rows a provider can no longer cover are brokered again.
    rebroker = rows_to_rebroker(referral)
    if rebroker:
        asked = [s for s in asked if rebroker.get(s)]
    if service and service not in asked:
        raise DomainError("Nothing of that service is waiting to be brokered again")
    services = [service] if service else asked
    sent = [
        r
        for r in rounds
        if r.status != RoundStatus.CANCELLED and (r.rows or []) == rebroker.get(r.service, [])
    ]
    if kind == Kind.OFF_FRAMEWORK:
        waiting = [
            s
            for s in services
            if not any(
                r.service == s and r.kind == Kind.FRAMEWORK and r.status == RoundStatus.CLOSED
                for r in sent
            )
        ]
        if waiting:
            raise DomainError(
                f"Off-framework providers are asked for {Service(waiting[0]).label.lower()} "
                "once its framework round has closed"
            )
    lots = {c.slug: c for c in Category.objects.filter(slug__in=LOT_CATEGORY.values())}
    number = max((r.number for r in rounds), default=0)
    return [
        SearchRound.objects.create(
            referral=referral,
            number=number + n,
            kind=kind,
            service=each,
            category=lots.get(LOT_CATEGORY[each]),
            criteria=default_criteria(kind, package=True),
            rows=rebroker.get(each, []),
            created_by=actor,
        )
        for n, each in enumerate(services, 1)
    ]


def rows_to_rebroker(referral: Referral) -> dict[str, list[int]]:
    """Each service's rows waiting to be brokered again after the award, if any."""
    waiting = set(package_of(referral).to_rebroker)
    if not waiting:
        return {}
    rows: dict[str, list[int]] = {}
    for slot in referral.schedule.filter(pk__in=waiting).order_by("pk"):
        rows.setdefault(slot.service, []).append(slot.pk)
    return rows

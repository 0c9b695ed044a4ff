"""The children looked after return (SSDA903) helper: the placements of a year in the
return's episode shape, each directory type of provider mapped by an administrator to
its placement type (PLACE) and provider (PLACE_PROVIDER) codes."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from placements.models import User
from placements.permissions import Capability, user_can
from placements.services import DomainError
from providers.fostering.models import FosterCarer
from providers.models import ProviderType

from .models import PlaceCode, Placement, PlaceProviderCode, ReturnCode

HEADERS = [
    "CHILD",
    "DECOM",
    "DEC",
    "REASON_PLACE_CHANGE",
    "PLACE",
    "PLACE_PROVIDER",
    "PL_POST",
    "URN",
]


def year_of(day: dt.date) -> int:
    """The year the return covers (1 April to 31 March), by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


@transaction.atomic
def return_codes_save(*, codes: Mapping[str, tuple[str, str]], actor: User) -> int:
    """Set each directory type's codes (type → (PLACE, PLACE_PROVIDER))."""
    if not user_can(actor, Capability.MANAGE_COUNCIL_SETTINGS):
        raise DomainError("Only an administrator maps the return's codes")
    for provider_type, (place, provider) in codes.items():
        if provider_type not in ProviderType.values:
            raise DomainError("Choose from the directory's types of provider")
        if place not in PlaceCode.values or provider not in PlaceProviderCode.values:
            raise DomainError(f"Choose both codes for {ProviderType(provider_type).label}")
    now = timezone.now()
    for provider_type, (place, provider) in codes.items():
        ReturnCode.objects.update_or_create(
            provider_type=provider_type,
            defaults={
                "place": place,
                "place_provider": provider,
                "updated_by": actor,
                "updated_at": now,
            },
        )
    return len(codes)


@dataclass(frozen=True)
class Episode:
    child: str
    start: dt.date
    end: dt.date | None
    reason: str
    place: str
    place_provider: str
    postcode_district: str
    urn: str

    def row(self) -> list:
        return [
            self.child,
            self.start,
            self.end or "",
            self.reason,
            self.place,
            self.place_provider,
            self.postcode_district,
            self.urn,
        ]


@dataclass
class Return:
    episodes: list[Episode]
    unmapped: list[str]  # the types of provider with no codes yet (their labels)


def placements_in(first: dt.date, last: dt.date):
    """Placements made (not a package's support) open at any time from `first` to
    `last`."""
    return (
        Placement.objects.filter(service="", placed_at__isnull=False, start_date__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
        .select_related("referral", "provider")
        .prefetch_related("referral__children")
        .order_by("start_date", "pk")
    )


def episodes_of(first: dt.date, last: dt.date) -> Return:
    """One episode a child a placement, with its codes: blank where the type has none."""
    codes = {code.provider_type: code for code in ReturnCode.objects.all()}
    placements = list(placements_in(first, last))
    in_house_settings = {
        p.setting for p in placements if p.is_in_house and p.setting
    }  # carers' references
    carers = dict(
        FosterCarer.objects.filter(reference__in=in_house_settings).values_list(
            "reference", "postcode_district"
        )
    )
    episodes, unmapped = [], set()
    for placement in placements:
        provider = placement.provider
        code = codes.get(provider.provider_type)
        if code is None:
            unmapped.add(ProviderType(provider.provider_type).label)
        children = list(placement.referral.children.all())
        district = (
            carers.get(placement.setting, "") if placement.is_in_house else ""
        ) or provider.postcode_district
        # An episode still open on the year's last day has no end in this year's return.
        ended = placement.ended_on if placement.ended_on and placement.ended_on <= last else None
        for n, _child in enumerate(children, start=1):
            episodes.append(
                Episode(
                    child=placement.referral.reference + (f"/{n}" if len(children) > 1 else ""),
                    start=placement.start_date,
                    end=ended,
                    reason=placement.end_reason if ended else "",
                    place=code.place if code else "",
                    place_provider=PlaceProviderCode.PR1
                    if placement.is_in_house
                    else (code.place_provider if code else ""),
                    postcode_district=district,
                    urn=provider.ofsted_urn,
                )
            )
    return Return(episodes, sorted(unmapped))

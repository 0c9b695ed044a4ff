"""Referrals taken to the search, and rounds sent, through the services."""

import datetime as dt
from decimal import Decimal

from providers.models import ProviderType
from referrals import services
from referrals.models import PackFlag, SearchRound
from referrals.permission import services as permission
from referrals.services import search
from tests.approvals.factories import approved
from tests.providers.factories import ProviderFactory


def searchable(social_worker, officer, *, funding: bool = True, **approve_kwargs):
    """Approved, accepted by brokerage, its pack checked and released, funding recorded."""
    referral = approved(social_worker, **approve_kwargs)
    referral = services.referral_qa_accept(referral=referral, actor=officer)
    pack = services.pack_prepare(referral=referral, actor=officer)
    for flag in pack.flags.filter(resolution=PackFlag.Resolution.OPEN):
        services.pack_flag_accept(flag=flag, reason="Safe to send", actor=officer)
    services.pack_release(resource_request=pack, actor=officer)
    if funding:
        permission.funding_approval_record(
            referral=referral,
            approved_by="Sunita Senior",
            weekly_amount=Decimal("6000"),
            approved_on=dt.date.today(),
            actor=officer,
        )
    referral.refresh_from_db()
    return referral


def in_house_provider(**values):
    return ProviderFactory(
        is_in_house=True,
        provider_type=ProviderType.IN_HOUSE_FOSTERING,
        name=values.pop("name", "Northshire Fostering"),
        **values,
    )


def sent_round(referral, officer, *, now=None, kind=SearchRound.Kind.FRAMEWORK):
    """Send the in-house round, then (for an external kind) a round of that kind to
    every matching provider. Returns the last round sent."""
    in_house = next(
        (r for r in referral.search_rounds.all() if r.kind == SearchRound.Kind.IN_HOUSE), None
    )
    if in_house is None:
        (in_house,) = search.round_start(
            referral=referral, kind=SearchRound.Kind.IN_HOUSE, actor=officer
        )
        in_house = search.round_send(search_round=in_house, actor=officer, now=now)
        if kind == SearchRound.Kind.IN_HOUSE:
            return in_house
    (external,) = search.round_start(referral=referral, kind=kind, actor=officer)
    return search.round_send(search_round=external, actor=officer, now=now)

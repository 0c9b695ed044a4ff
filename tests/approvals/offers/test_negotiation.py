"""A fee negotiated with the provider: the first quote kept and the saving shown."""

from decimal import Decimal

import pytest

from approvals.offers.services.negotiation import fee_revise
from placements.services import DomainError

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_negotiated_fee_keeps_the_first_quote_and_shows_the_saving(referral, offers, officer):
    offer = offers["Framework 2"]  # £5,400 fee + £100 therapy
    with pytest.raises(DomainError, match="what was agreed"):
        fee_revise(response=offer, weekly_fee=D("5000"), note="", actor=officer)
    for same_or_more in (D("5400"), D("5600")):
        with pytest.raises(DomainError, match=r"lower than the fee now, £5,400\.00"):
            fee_revise(response=offer, weekly_fee=same_or_more, note="Asked", actor=officer)
    fee_revise(response=offer, weekly_fee=D("5150"), note="Agreed by phone with Pat", actor=officer)
    offer.refresh_from_db()
    fresh = type(offer).objects.prefetch_related("revisions").get(pk=offer.pk)
    assert fresh.weekly_fee == D("5400") and fresh.total_weekly == D("5500")
    assert fresh.agreed_total_weekly == D("5250")
    assert fresh.saving_weekly == D("250") and fresh.saving_annual == D("13000")
    entry = referral.chronology.filter(text__contains="Fee negotiated").get()
    assert "saving £250.00 a week, £13,000.00 a year" in entry.text

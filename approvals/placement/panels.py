"""What the placement adds to the referrals' list pages (referrals.registry): its
reviews due or overdue, for the people who see their referrals."""

from django.template.loader import render_to_string

from placements.models import User
from placements.permissions import is_brokerage, is_social_worker
from referrals.selectors import referrals_visible_to

from .services.reviews import reviews_waiting

# How many a panel lists; the rest are counted.
SHOWN = 20


def _panel(user: User, *, heading: str) -> str:
    waiting = list(reviews_waiting(referrals=referrals_visible_to(user))[: SHOWN + 1])
    if not waiting:
        return ""
    return render_to_string(
        "approvals/placement/_reviews_waiting.html",
        {"reviews": waiting[:SHOWN], "more": len(waiting) > SHOWN, "heading": heading},
    )


def social_worker_reviews(user: User) -> str:
    """The social worker's own and their team's placements' reviews."""
    return _panel(user, heading="Placement reviews due") if is_social_worker(user) else ""


def officer_reviews(user: User) -> str:
    return _panel(user, heading="Placement reviews due") if is_brokerage(user) else ""

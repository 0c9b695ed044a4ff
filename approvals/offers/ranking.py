"""Offers ranked on quality and cost, and every score explained.

Each offer's score (0 to 100) is the sum of its parts; each part is a score from 0 to
100 times its weight, and the weights (the council's settings) add up to 100:

- cost: the lowest total weekly cost among the offers compared scores 100, any other
  100 * lowest / its cost (the price-ratio method of public procurement);
- quality, split between:
  - the Ofsted rating of the provider: outstanding 100, good 75, not yet inspected 50,
    requires improvement 25, inadequate 0;
  - the match to the child's needs, as the officer scores it: 0 to 4 (meets none to all
    of the needs) as 0 to 100; an offer not scored yet scores 0 and says so;
  - locality: inside the council's boundary (tier 1) 100, outside 0;
  - the response: answering as the request went out scores 100, at the deadline 0.

Ties go to the lower cost, then to the provider's name. Pure: no database.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from providers.models import OfstedRating, Tier

HUNDRED = Decimal(100)
NEEDS_MATCH = {
    4: "Meets all of the child's needs",
    3: "Meets most of the needs",
    2: "Meets some of the needs",
    1: "Meets few of the needs",
    0: "Does not meet the needs",
}
OFSTED_SCORES = {
    OfstedRating.OUTSTANDING: 100,
    OfstedRating.GOOD: 75,
    OfstedRating.NOT_YET_INSPECTED: 50,
    OfstedRating.REQUIRES_IMPROVEMENT: 25,
    OfstedRating.INADEQUATE: 0,
}


@dataclass(frozen=True)
class Weights:
    """Percentages: `quality` of the whole (cost has the rest), and each quality
    criterion's share of quality (the four add up to 100)."""

    quality: int = 60
    ofsted: int = 30
    needs: int = 40
    locality: int = 15
    response: int = 15

    @classmethod
    def of(cls, council: Any) -> "Weights":
        return cls(
            quality=council.ranking_quality_percent,
            ofsted=council.ranking_ofsted_points,
            needs=council.ranking_needs_points,
            locality=council.ranking_locality_points,
            response=council.ranking_response_points,
        )

    @property
    def cost(self) -> int:
        return 100 - self.quality

    def of_whole(self, share: int) -> Decimal:
        """A quality criterion's weight in the whole score."""
        return Decimal(self.quality) * share / HUNDRED


@dataclass(frozen=True)
class OfferFacts:
    """What an offer's score is made from."""

    key: int
    name: str
    total_weekly: Decimal
    rating: str
    tier: int
    needs_match: int | None
    asked_at: dt.datetime | None  # when the request went out
    deadline: dt.datetime | None
    answered_at: dt.datetime | None  # the first answer


@dataclass(frozen=True)
class ScorePart:
    label: str
    weight: Decimal  # its share of the whole score, in per cent
    score: Decimal  # 0 to 100
    source: str  # where the score came from, in words

    @property
    def points(self) -> Decimal:
        return _round(self.weight * self.score / HUNDRED)


@dataclass(frozen=True)
class OfferScore:
    key: int
    parts: tuple[ScorePart, ...]
    rank: int
    scored: bool  # the officer has scored the match to the needs

    @property
    def total(self) -> Decimal:
        return sum((part.points for part in self.parts), Decimal(0))

    def to_json(self) -> dict[str, Any]:
        """As kept with an option sent to the social worker: what they were shown."""
        return {
            "total": str(self.total),
            "rank": self.rank,
            "scored": self.scored,
            "parts": [
                {
                    "label": p.label,
                    "weight": str(p.weight),
                    "score": str(p.score),
                    "points": str(p.points),
                    "source": p.source,
                }
                for p in self.parts
            ],
        }


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _cost_part(facts: OfferFacts, lowest: Decimal, weights: Weights) -> ScorePart:
    if facts.total_weekly == lowest:
        score, source = HUNDRED, "the lowest total weekly cost of the offers compared"
    elif lowest <= 0:  # nothing to divide by: only the free offers score
        score, source = Decimal(0), "an offer costs nothing a week; any cost scores 0"
    else:
        score = _round(HUNDRED * lowest / facts.total_weekly)
        source = f"£{lowest:,.2f} (the lowest) ÷ £{facts.total_weekly:,.2f} a week"
    return ScorePart("Cost", Decimal(weights.cost), score, source)


def _response_score(facts: OfferFacts) -> tuple[Decimal, str]:
    if not (facts.asked_at and facts.deadline and facts.answered_at):
        return Decimal(0), "no deadline was set for this request"
    allowed = (facts.deadline - facts.asked_at).total_seconds()
    taken = max((facts.answered_at - facts.asked_at).total_seconds(), 0)
    if allowed <= 0:
        return Decimal(0), "no time was allowed"
    share = min(Decimal(taken) / Decimal(allowed), Decimal(1))
    hours = taken / 3600
    when = f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.1f} days"
    return _round(HUNDRED * (1 - share)), f"answered after {when}, {share:.0%} of the time allowed"


def offer_scores(offers: list[OfferFacts], weights: Weights) -> dict[int, OfferScore]:
    """Every offer's score with its parts, and its rank (1 the best) among `offers`."""
    if not offers:
        return {}
    lowest = min(facts.total_weekly for facts in offers)
    unranked = []
    for facts in offers:
        response, responded = _response_score(facts)
        needs = (
            (Decimal(facts.needs_match * 25), NEEDS_MATCH[facts.needs_match])
            if facts.needs_match is not None
            else (Decimal(0), "not scored yet")
        )
        rating = OfstedRating(facts.rating) if facts.rating in OfstedRating.values else None
        parts = (
            _cost_part(facts, lowest, weights),
            ScorePart(
                "Ofsted rating",
                weights.of_whole(weights.ofsted),
                Decimal(OFSTED_SCORES.get(rating, 0) if rating else 0),
                str(rating.label) if rating else "no rating recorded",
            ),
            ScorePart("Match to the needs", weights.of_whole(weights.needs), *needs),
            ScorePart(
                "Locality",
                weights.of_whole(weights.locality),
                HUNDRED if facts.tier == Tier.INSIDE else Decimal(0),
                "inside the council's boundary (tier 1)"
                if facts.tier == Tier.INSIDE
                else "outside the council's boundary (tier 2)",
            ),
            ScorePart("Response", weights.of_whole(weights.response), response, responded),
        )
        unranked.append(
            (facts, OfferScore(facts.key, parts, rank=0, scored=facts.needs_match is not None))
        )
    unranked.sort(key=lambda pair: (-pair[1].total, pair[0].total_weekly, pair[0].name))
    return {
        score.key: OfferScore(score.key, score.parts, rank=n, scored=score.scored)
        for n, (_facts, score) in enumerate(unranked, 1)
    }

"""The referrals app's models, one module per concept:

- `referral`: the referral, its children, people, outcomes, exclusions, placement types
- `permission`: permission to search (decisions, evidence, funding, external comments)
- `quality`: brokerage's quality check
- `chronology`: the append-only chronology
- `pack`: the anonymised pack (resource request), its flags, allowed words
- `search`: search rounds, provider requests and links, providers' questions
- `answers`: providers' answers (offers) and negotiated fees
- `package`: a package of support at home (short breaks, home care) and its weekly tables
- `alerts`: alerts for brokerage raised from outside the referral (a provider's rating)
- `inhouse`: the in-house round as the fostering service works it (carers asked, matching)
- `siblings`: siblings who cannot all be placed together, and who stays with whom
"""

from referrals.models.alerts import ReferralAlert
from referrals.models.answers import CoveredSlot, FeeRevision, ProviderAnswer
from referrals.models.chronology import ChronologyEntry
from referrals.models.inhouse import CarerEnquiry, CarerMatch, MatchConsultation
from referrals.models.pack import AllowedWord, PackFlag, ResourceRequest
from referrals.models.package import (
    ScheduleSlot,
    Service,
    SummerSchemeRequest,
    SupportPackage,
    package_of,
)
from referrals.models.permission import (
    AgreementEvidence,
    ExternalComment,
    FundingApproval,
    SearchDecision,
)
from referrals.models.quality import QARound
from referrals.models.referral import (
    Child,
    DesiredOutcome,
    PersonAroundChild,
    PlacementType,
    ProviderExclusion,
    Referral,
)
from referrals.models.search import (
    LinkOpening,
    ProviderLink,
    ProviderRequest,
    RoundQuestion,
    SearchRound,
)
from referrals.models.siblings import SiblingSplit

__all__ = [
    "AgreementEvidence",
    "AllowedWord",
    "CarerEnquiry",
    "CarerMatch",
    "Child",
    "ChronologyEntry",
    "CoveredSlot",
    "DesiredOutcome",
    "ExternalComment",
    "FeeRevision",
    "FundingApproval",
    "LinkOpening",
    "MatchConsultation",
    "PackFlag",
    "PersonAroundChild",
    "PlacementType",
    "ProviderAnswer",
    "ProviderExclusion",
    "ProviderLink",
    "ProviderRequest",
    "QARound",
    "Referral",
    "ReferralAlert",
    "ResourceRequest",
    "RoundQuestion",
    "ScheduleSlot",
    "SearchDecision",
    "SearchRound",
    "Service",
    "SiblingSplit",
    "SummerSchemeRequest",
    "SupportPackage",
    "package_of",
]

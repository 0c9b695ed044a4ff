"""The approvals app's models, each kept with its concept (`offers`, `costs`,
`packages`, `placement`). Django loads an app's models from `approvals.models`, and the migrations
name `agreement_path` here, so this module gathers them; import from the concept's
own module in code."""

from .costs.models import CostApproval, CostBand, CostBandVersion
from .invoices.models import Invoice, InvoiceLine
from .offers.models import (
    FlagOverride,
    FlexibilityRequest,
    NeedsMatch,
    Shortlist,
    ShortlistOption,
)
from .packages.models import PackageVariation
from .placement.models import (
    AgreementLink,
    Placement,
    PlacementAgreement,
    ProviderFeedback,
    agreement_path,
)

__all__ = [
    "AgreementLink",
    "CostApproval",
    "CostBand",
    "CostBandVersion",
    "FlagOverride",
    "FlexibilityRequest",
    "Invoice",
    "InvoiceLine",
    "NeedsMatch",
    "PackageVariation",
    "Placement",
    "PlacementAgreement",
    "ProviderFeedback",
    "Shortlist",
    "ShortlistOption",
    "agreement_path",
]

"""The rules of a package referral that are not about its weekly tables, as pure
reads: what a specific provider may be asked for, and when a package needs a panel."""

import re

from referrals.models import SupportPackage

# "The provider knows the child/family and support works well" is not a reason another
# provider could not do it: the seeds ask for the impact on the child instead.
FAMILIARITY = re.compile(
    r"\b(?:already\s+)?knows?\s+(?:the\s+|him|her|them|this\s+)?(?:child|family|young|well|him|"
    r"her|them|mum|dad|carers?)|\bfamiliar\s+with\b|\bworks?\s+well\b|\bworking\s+well\b|"
    r"\b(?:good|established|existing|strong)\s+relationship\b|\bbuilt\s+(?:up\s+)?a\s+relationship\b",
    re.IGNORECASE,
)
IMPACT = re.compile(
    r"\b(?:impact|distress\w*|anxi\w+|harm\w*|regress\w*|unsettl\w*|dysregulat\w*|"
    r"meltdowns?|self[- ]?injur\w*|seizures?|trained|training|specialist|medical|clinical|"
    r"would\s+(?:not\s+)?cope|could\s+not\s+cope|cannot\s+cope|can't\s+cope|"
    r"deteriorat\w*|trauma\w*|risk\w*|safe\w*)\b",
    re.IGNORECASE,
)

FAMILIARITY_REFUSED = (
    "Say what a change of provider would mean for the child: that the provider knows the "
    "child or family, or that the support works well, is not a reason another provider "
    "could not give it"
)


def requested_reason_problem(reason: str) -> str | None:
    """Why a reason for asking for one provider only is not accepted, or None."""
    text = reason.strip()
    if not text:
        return "Say why only this provider can meet the child's needs"
    if FAMILIARITY.search(text) and not IMPACT.search(text):
        return FAMILIARITY_REFUSED
    return None


def needs_panel(package: SupportPackage) -> bool:
    """New or increased support is approved by the Resource Allocation Panel (or, in an
    emergency, a child protection or child in need plan) before it is brokered."""
    return package.change in (SupportPackage.Change.NEW, SupportPackage.Change.INCREASE)


def current_support_asked(package: SupportPackage) -> bool:
    """Support the council gives now is described when it is increased or changed."""
    return package.change in (SupportPackage.Change.INCREASE, SupportPackage.Change.CHANGE)

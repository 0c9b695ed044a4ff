"""What a package referral's own sections need before it is submitted: every box
answered ("None" or "N/A" is an answer), the approval the support rests on, and at
least one row in each service's weekly tables."""

from django.utils import timezone

from placements.models import CouncilSettings
from referrals.drafting.missing import Missing, blank, section_href
from referrals.models import Referral, Service, SupportPackage, package_of
from referrals.packages.rules import (
    current_support_asked,
    needs_panel,
    requested_reason_problem,
)
from referrals.packages.summer import summer_problems

PACKAGE_ANSWERS = {
    "worker_phone": ("your phone number", "id_worker_phone"),
    "start_date": ("the start of the service", "id_start_date_0"),
    "end_date": ("the end of the service", "id_end_date_0"),
    "family_unavailable": ("dates the family is not available", "id_family_unavailable"),
    "change": ("whether the support is new, more, or a change", "id_change_1"),
    "approval_basis": ("what approved the support", "id_approval_basis_1"),
}

SHORT_BREAK_ANSWERS = {
    "travel": ("travel restrictions", "id_travel_1"),
    "short_break_notes": ("the short break additional notes", "id_short_break_notes"),
}

HOME_CARE_ANSWERS = {
    "home_care_activities": ("what the carer will do", "id_home_care_activities"),
    "home_care_notes": ("the home care additional notes", "id_home_care_notes"),
}


def _answers(referral: Referral, package: SupportPackage, asked, url: str) -> list[Missing]:
    return [
        Missing(answer, section_href(referral, url, anchor))
        for name, (answer, anchor) in asked.items()
        if blank(getattr(package, name))
    ]


def _package_section(referral: Referral, package: SupportPackage) -> list[Missing]:
    url = "referrals:package"
    missing = _answers(referral, package, PACKAGE_ANSWERS, url)
    if current_support_asked(package):
        if blank(package.current_support):
            missing.append(
                Missing(
                    "the support the council gives now",
                    section_href(referral, url, "id_current_support"),
                )
            )
        if not package.current_support_funding:
            missing.append(
                Missing(
                    "how the current support is funded",
                    section_href(referral, url, "id_current_support_funding_1"),
                )
            )
    if package.approval_date is None:
        missing.append(
            Missing(
                "the Resource Allocation Panel's approval date: new or increased support "
                "is approved by the panel before it is brokered"
                if needs_panel(package) and package.approval_basis != package.ApprovalBasis.PLAN
                else "the approval date",
                section_href(referral, url, "id_approval_date_0"),
            )
        )
    if package.bank_holidays_needed and blank(package.bank_holiday_reason):
        missing.append(
            Missing(
                "why bank holidays are needed",
                section_href(referral, url, "id_bank_holiday_reason"),
            )
        )
    if package.requested_provider_id and requested_reason_problem(package.requested_reason):
        missing.append(
            Missing(
                "a reason about the impact on the child for asking for one provider",
                section_href(referral, url, "id_requested_reason"),
            )
        )
    return missing


def _rows(referral: Referral, service: str) -> list:
    return [slot for slot in referral.schedule.all() if slot.service == service]


def _short_break_section(referral: Referral, package: SupportPackage) -> list[Missing]:
    url = "referrals:short-breaks"
    missing = _answers(referral, package, SHORT_BREAK_ANSWERS, url)
    if package.travel == package.Travel.WITHIN_MILES and not package.travel_miles:
        missing.append(
            Missing("within how many miles", section_href(referral, url, "id_travel_miles"))
        )
    if not _rows(referral, Service.SHORT_BREAK):
        missing.append(
            Missing(
                "the days and times short breaks are needed",
                section_href(referral, "referrals:slot-add", service=Service.SHORT_BREAK),
            )
        )
    return missing + _summer_missing(referral)


def _summer_missing(referral: Referral) -> list[Missing]:
    """Each summer play scheme request (Annex 1): complete, and still within the rules
    on the day it is submitted."""
    council = CouncilSettings.load()
    today = timezone.localdate()
    missing = []
    for summer in referral.summer_requests.all():
        href = section_href(referral, "referrals:summer-edit", summer_pk=summer.pk)
        who = f"summer {summer.year}"
        if not summer.parents_told:
            missing.append(
                Missing("the parents told their responsibilities", f"{href}#id_parents_told", who)
            )
        if not (summer.preferred_dates.strip() or summer.unavailable_dates.strip()):
            missing.append(
                Missing(
                    "the preferred dates, or the dates the child cannot attend",
                    f"{href}#id_preferred_dates",
                    who,
                )
            )
        problems = summer_problems(
            year=summer.year,
            case=summer.case,
            days=summer.days,
            more_days_reason=summer.more_days_reason,
            on=today,
            council=council,
        )
        missing += [
            Missing(problem, f"{href}#id_{field}", who) for field, problem in problems.items()
        ]
    return missing


def _home_care_section(referral: Referral, package: SupportPackage) -> list[Missing]:
    url = "referrals:home-care"
    missing = _answers(referral, package, HOME_CARE_ANSWERS, url)
    if not _rows(referral, Service.HOME_CARE):
        missing.append(
            Missing(
                "the days and times home care is needed in term time or the holidays",
                section_href(referral, "referrals:slot-add", service=Service.HOME_CARE),
            )
        )
    return missing


def package_missing(referral: Referral) -> dict[str, list[Missing]]:
    """For each of a package's own sections, the answers still missing."""
    package = package_of(referral)
    missing = {"package": _package_section(referral, package)}
    if referral.wants_short_break:
        missing["short_break"] = _short_break_section(referral, package)
    if referral.wants_home_care:
        missing["home_care"] = _home_care_section(referral, package)
    return missing

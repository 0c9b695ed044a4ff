"""What a provider reads about a package of support at home, beside the child: the
service dates, the weekly tables (built from the rows, never free text), and each
service's answers, every one through the pack's redactor."""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from placements.models import CouncilSettings
from referrals.models import Child, Referral, SupportPackage, package_of
from referrals.packages.schedule import hours_number, tables
from referrals.packages.summer import on_file

# The pack's text function: (key, label, value) → the redacted passage.
Text = Callable[[str, str, str], Any]


def child_texts(child: Child, n: int, text: Text) -> list:
    """A child's mobility and school holidays, for a package."""
    who = child.initials
    mobility = (
        f"Mobility issues. Equipment: {child.mobility_equipment}"
        if child.mobility_issues
        else "No mobility issues"
    )
    return [
        text(f"child{n}_mobility", f"{who}: mobility", mobility),
        text(f"child{n}_holidays", f"{who}: school holiday dates", child.school_holidays),
    ]


def package_texts(referral: Referral, text: Text) -> list:
    """Each answer of Part A that providers need, redacted."""
    package = package_of(referral)
    texts = [
        text("family_unavailable", "Dates the family is not available", package.family_unavailable),
        text(
            "bank_holidays",
            "Bank holidays",
            f"Covered: {package.bank_holiday_reason}"
            if package.bank_holidays_needed
            else "Not covered",
        ),
    ]
    if package.current_support.strip():
        texts.append(text("current_support", "Current support", package.current_support))
    if referral.wants_short_break:
        travel = package.get_travel_display()
        if package.travel == SupportPackage.Travel.WITHIN_MILES and package.travel_miles:
            travel = f"Within {package.travel_miles} miles of home"
        texts += [
            text("travel", "Short breaks: travel restrictions", travel),
            text("short_break_notes", "Short breaks: additional notes", package.short_break_notes),
        ]
    # A summer play scheme asked for before its window opens is kept on file: providers
    # read it in the pack prepared once the window has opened.
    council = CouncilSettings.load()
    today = timezone.localdate()
    summers = [
        s for s in referral.summer_requests.all() if not on_file(s, on=today, council=council)
    ]
    for n, summer in enumerate(summers, 1):
        dates = "; ".join(
            filter(
                None,
                [
                    summer.preferred_dates.strip()
                    and f"preferred {summer.preferred_dates.strip()}",
                    summer.unavailable_dates.strip()
                    and f"cannot attend {summer.unavailable_dates.strip()}",
                ],
            )
        )
        texts.append(
            text(
                f"summer{n}",
                f"Summer play scheme {summer.year}",
                f"{summer.child.initials}: {summer.days} days; {dates}",
            )
        )
    if referral.wants_home_care:
        texts += [
            text(
                "home_care_activities",
                "Home care: what the carer will do",
                package.home_care_activities,
            ),
            text("home_care_notes", "Home care: additional notes", package.home_care_notes),
        ]
    return texts


def package_schedule(referral: Referral) -> list[dict]:
    """The weekly tables as stored in the pack: days, times and hours only."""
    rows = list(referral.schedule.all())
    return [
        {
            "title": table.title,
            "rows": [
                {"day": row.get_day_display(), "when": row.when, "hours": hours_number(row.hours)}
                for row in table.rows
            ],
            "total": hours_number(table.total),
        }
        for service in ("short_break", "home_care")
        for table in tables(rows, service=service)
    ]


def package_dates(referral: Referral) -> str:
    package = package_of(referral)
    if not package.start_date:
        return ""
    until = f" to {package.end_date:%-d %B %Y}" if package.end_date else ""
    return f"{package.start_date:%-d %B %Y}{until}"


def package_fingerprint(referral: Referral) -> dict:
    """What a package's pack is built from, for telling when it changed."""
    package = package_of(referral)
    return {
        "package": {
            f.name: str(getattr(package, f.name))
            for f in SupportPackage._meta.concrete_fields
            if f.name not in ("id", "updated_at", "to_rebroker")
        },
        "schedule": [
            [r.service, r.period, r.day, r.part_of_day, str(r.starts), str(r.ends), str(r.hours)]
            for r in referral.schedule.all()
        ],
        "service": referral.service,
        # Its window opening changes the pack (the request is in it from then on).
        "summer": [
            [
                s.child_id,
                s.year,
                s.case,
                s.days,
                s.preferred_dates,
                s.unavailable_dates,
                on_file(s, on=timezone.localdate(), council=CouncilSettings.load()),
            ]
            for s in referral.summer_requests.all()
        ],
    }

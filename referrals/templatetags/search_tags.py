import datetime as dt

from django import template
from django.utils import timezone

from placements.calendar import LONDON, is_working_day

register = template.Library()


def working_days_left(deadline: dt.datetime, *, now: dt.datetime, subdivision: str) -> int:
    """Working days after today up to and including the deadline's day."""
    today = now.astimezone(LONDON).date()
    end = deadline.astimezone(LONDON).date()
    days, day = 0, today
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, subdivision=subdivision):
            days += 1
    return days


@register.simple_tag(takes_context=True)
def countdown(context, deadline) -> str:
    """ "Closes today at 17:00", "Closes tomorrow at 11:00" (a deadline in hours),
    "2 working days left", or "Deadline passed"."""
    if not deadline:
        return ""
    now = timezone.now()
    if deadline <= now:
        return "Deadline passed"
    council = context.get("council")
    subdivision = getattr(council, "bank_holiday_subdivision", "ENG")
    days = working_days_left(deadline, now=now, subdivision=subdivision)
    local = deadline.astimezone(LONDON)
    if days == 0:
        return f"Closes today at {local:%H:%M}"
    if days == 1 and local.hour != getattr(council, "response_deadline_hour", 17):
        # An emergency's deadline in hours: the time matters more than the day count.
        tomorrow = local.date() == now.astimezone(LONDON).date() + dt.timedelta(days=1)
        return f"Closes {'tomorrow' if tomorrow else f'on {local:%A}'} at {local:%H:%M}"
    return f"{days} working day{'s' if days != 1 else ''} left"

"""What the fostering service reads of its carers; 404 for anyone else."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from placements.models import User
from placements.permissions import Capability, user_can

from .models import CarerChild, FosterCarer


def carers_listed(
    *, care_type: str = "", age: int | None = None, with_room: bool = False
) -> list[FosterCarer]:
    """The carers still fostering, with the children living with them and their room;
    narrowed to a kind of care, a child's age, or those with room recorded. (A council's
    carers are a few hundred at most: the kinds of care are matched here, the same on
    every database.)"""
    carers: QuerySet[FosterCarer] = FosterCarer.objects.filter(is_active=True)
    if age is not None:
        carers = carers.filter(approved_age_from__lte=age, approved_age_to__gte=age)
    if with_room:
        carers = carers.filter(vacancies__isnull=False).distinct()
    listed = carers.order_by("reference").prefetch_related(
        Prefetch("children", queryset=CarerChild.objects.filter(left_on__isnull=True)),
        "vacancies",
    )
    return [carer for carer in listed if not care_type or care_type in carer.care_types]


def get_carer_for_user(*, user: User, pk: int) -> FosterCarer:
    if not user_can(user, Capability.MANAGE_CARERS):
        raise Http404
    return get_object_or_404(FosterCarer, pk=pk)

"""Referrals taken through permission to search by the services, as people do."""

from placements.roles import Role
from referrals.permission import services
from tests.placements.factories import UserFactory
from tests.referrals.factories import submitted


def approved(social_worker, *, team_manager=None, service_lead=None):
    team = social_worker.team
    team_manager = team_manager or UserFactory(roles=[Role.TEAM_MANAGER], team=team)
    service_lead = service_lead or UserFactory(roles=[Role.SERVICE_LEAD], team=team)
    referral = services.search_endorse(
        referral=submitted(social_worker), actor=team_manager, comments="Endorsed"
    )
    return services.search_approve(referral=referral, actor=service_lead, comments="Approved")

"""The role vocabulary: who someone is, asked one way everywhere."""

import pytest

from placements.permissions import (
    is_administrator,
    is_brokerage,
    is_brokerage_officer,
    is_cost_approver,
    is_duty_lead,
    is_service_lead,
    is_social_worker,
    is_team_manager,
)
from placements.roles import Role
from tests.placements.factories import UserFactory

pytestmark = pytest.mark.django_db

WHO = {
    is_brokerage: {Role.BROKERAGE_OFFICER, Role.DUTY_LEAD},
    is_brokerage_officer: {Role.BROKERAGE_OFFICER},
    is_duty_lead: {Role.DUTY_LEAD},
    is_social_worker: {Role.SOCIAL_WORKER},
    is_team_manager: {Role.TEAM_MANAGER},
    is_service_lead: {Role.SERVICE_LEAD},
    is_cost_approver: {Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR},
    is_administrator: {Role.ADMINISTRATOR},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_question_is_true_for_exactly_its_roles(role):
    user = UserFactory(roles=[role])
    for question, roles in WHO.items():
        assert question(user) is (role in roles), (question.__name__, role)


def test_a_person_with_no_roles_is_none_of_them():
    user = UserFactory(roles=[])
    assert not any(question(user) for question in WHO)

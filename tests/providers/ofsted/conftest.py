import pytest

from placements.roles import Role


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, team=None, full_name="Alex Admin")

import pytest

from tests.reports.world import build


@pytest.fixture
def reports_world(world):
    return build(world)

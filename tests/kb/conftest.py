import pytest

from tests.kb.world import build_kb


@pytest.fixture
def kb(world):
    return build_kb(world)

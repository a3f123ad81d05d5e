from tests.api.conftest import as_  # noqa: F401 (the API caller fixture)
from tests.customfields.conftest import zynstra  # noqa: F401 (Zynstra's policy with custom fields)

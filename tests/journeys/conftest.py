"""The journeys use the directory's small catalogue and the workflow's programmes ready to submit."""

from tests.directory.conftest import catalogue  # noqa: F401
from tests.workflow.conftest import draft_programme, submitted_programme  # noqa: F401

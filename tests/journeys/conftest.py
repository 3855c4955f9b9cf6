"""The journeys use the directory's small catalogue and the workflow's programmes ready to submit."""

from programmes.models import ProgrammeChange
from providers.models import Provider
from tests.directory.conftest import catalogue  # noqa: F401
from tests.html_forms import form_with
from tests.workflow.conftest import draft_programme, submitted_programme  # noqa: F401


def rename_asked_for(client, provider, provider_editor, new_name: str) -> ProgrammeChange:
    """The editor renames their organisation on its profile page: the name stays as it was until a
    convenor approves the change this returns."""
    client.force_login(provider_editor)
    url = f"/provider/providers/{provider.slug}/profile/"
    body = form_with(client.get(url).content.decode(), "name") | {"name": new_name}
    client.post(url, body)
    assert Provider.objects.get(pk=provider.pk).name == "Northgate Learning Trust"
    return ProgrammeChange.objects.get(provider=provider, kind="provider")

"""Who may see the convenors' summaries and who may download an export: answered here only."""

from django.utils import timezone

from qaportal.errors import NotFound, found
from qaportal.roles import Role, Visitor, has_role
from summaries.models import ExportJob, ExportStatus


def may_view_summaries(user: Visitor) -> bool:
    return has_role(user, Role.CONVENOR)


def may_start_export(user: Visitor) -> bool:
    return may_view_summaries(user)


def may_see_export(user: Visitor, job: ExportJob) -> bool:
    """Only the convenor who asked (while still a convenor), and staff, who run the service."""
    if not has_role(user, Role.CONVENOR):
        return False
    return user.is_staff or job.requested_by_id == user.pk


def visible_export(user: Visitor, pk: object) -> ExportJob:
    """The export this user may see; another convenor's is as if it did not exist (NotFound)."""
    job = found(ExportJob.objects.select_related("requested_by"), "No such export", pk=pk)
    if not may_see_export(user, job):
        raise NotFound("No such export")
    return job


def export_is_downloadable(job: ExportJob) -> bool:
    """Ready and not yet past its expiry (the clean-up may not have run yet: expired files are gone)."""
    return (
        job.status == ExportStatus.READY
        and bool(job.file)
        and (job.expires_at is None or job.expires_at > timezone.now())
    )

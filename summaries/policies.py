"""Who may see the convenors' summaries and who may download an export: answered here only."""

from django.utils import timezone

from qaportal.roles import Role, Visitor, has_role
from summaries.models import ExportJob, ExportStatus


def may_view_summaries(user: Visitor) -> bool:
    return user.is_authenticated and (user.is_staff or has_role(user, Role.CONVENOR))


def may_start_export(user: Visitor) -> bool:
    return may_view_summaries(user)


def may_see_export(user: Visitor, job: ExportJob) -> bool:
    """Only the convenor who asked (while still a convenor), and staff."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return job.requested_by_id == user.pk and has_role(user, Role.CONVENOR)


def export_is_downloadable(job: ExportJob) -> bool:
    """Ready and not yet past its expiry (the clean-up may not have run yet: expired files are gone)."""
    return (
        job.status == ExportStatus.READY
        and bool(job.file)
        and (job.expires_at is None or job.expires_at > timezone.now())
    )

from celery import shared_task


@shared_task
def send_leader_alerts() -> int:
    """Find new changes and send leaders what they are owed (each change once; idempotent)."""
    from leaders.alerts import send_leader_alerts as run

    return run()

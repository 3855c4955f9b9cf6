from smtplib import SMTPException

from celery import shared_task


@shared_task
def send_leader_alerts() -> int:
    """Find new changes and send leaders what they are owed (each change once; idempotent)."""
    from leaders.alerts import send_leader_alerts as run

    return run()


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def send_enquiry_email(email_id: int) -> bool:
    """Send one enquiry e-mail after the transaction that owed it committed; safe to run twice."""
    from leaders.services import enquiry_email_send

    return enquiry_email_send(email_id=email_id)


@shared_task
def send_owed_enquiry_emails() -> int:
    """Periodic: enquiry e-mails whose message was lost still go out, once."""
    from leaders.services import enquiry_emails_send_owed

    return enquiry_emails_send_owed()

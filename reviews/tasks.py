from smtplib import SMTPException

from celery import shared_task


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def send_notification(notification_id: int) -> bool:
    """Send one workflow e-mail after the transaction that owed it committed; safe to run twice."""
    from reviews.services import notification_send

    return notification_send(notification_id=notification_id)


@shared_task
def send_owed_notifications() -> int:
    """Periodic: e-mails whose message was lost (broker down at commit) still go out, once."""
    from reviews.services import notifications_send_owed

    return notifications_send_owed()


@shared_task
def run_accreditation_cycle() -> dict:
    """Periodic: expire ratings past their validity and owe the 90- and 30-day reminders; both
    steps are idempotent, so a repeated or overlapping run changes nothing twice."""
    from reviews.accreditation import expiry_reminders_send, ratings_expire

    return {"expired": ratings_expire(), "reminders": expiry_reminders_send()}

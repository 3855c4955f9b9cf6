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

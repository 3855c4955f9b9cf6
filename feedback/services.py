"""Writes for participant feedback: rounds and their links, responses, comment approval, and the
questionnaire's versions. Web views, the API and tasks all call these."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from feedback import policies
from feedback.models import (
    CommentStatus,
    FeedbackRound,
    ParticipantLink,
    ParticipantResponse,
    Question,
    Questionnaire,
    StaleParticipantRating,
)
from programmes.models import Programme
from qaportal import outbox
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L: codes are read off paper and typed in.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_COHORT = 1000
MAX_ROUND_WEEKS = 26


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What a participant typed, as stored: capitals, without spaces or dashes."""
    return "".join(character for character in typed.upper() if character.isalnum())


def formatted_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


# --- Rounds ---------------------------------------------------------------------------------


def _round_errors(
    *, cohort_label: str, cohort_size: int | None, closes_on: date | None, today: date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not cohort_label.strip():
        errors["cohort_label"] = ["Enter a name for the cohort, such as ‘Spring 2026, Leeds’"]
    if cohort_size is None or cohort_size < 1:
        errors["cohort_size"] = ["Enter how many participants are in the cohort, 1 or more"]
    elif cohort_size > MAX_COHORT:
        errors["cohort_size"] = [f"A round can have at most {MAX_COHORT} participants; split a larger cohort"]
    if closes_on is None:
        errors["closes_on"] = ["Enter the date the round closes"]
    elif closes_on < today:
        errors["closes_on"] = ["The closing date must be today or in the future"]
    elif closes_on > today + timedelta(weeks=MAX_ROUND_WEEKS):
        errors["closes_on"] = [f"The closing date must be within {MAX_ROUND_WEEKS} weeks of today"]
    return errors


@transaction.atomic
def feedback_round_create(
    *, programme: Programme, by: User, cohort_label: str, cohort_size: int | None, closes_on: date | None
) -> FeedbackRound:
    """A round for a cohort of a published programme, with one single-use code per participant."""
    if not policies.may_create_round(by, programme):
        raise NotPermitted("Only the provider's editors can collect feedback, and only on a published programme.")
    errors = _round_errors(
        cohort_label=cohort_label, cohort_size=cohort_size, closes_on=closes_on, today=timezone.localdate()
    )
    if errors or cohort_size is None or closes_on is None:  # _round_errors names the missing ones
        raise ValidationFailed(errors)
    questionnaire = Questionnaire.objects.get(is_live=True)
    feedback_round = FeedbackRound.objects.create(
        programme=programme, questionnaire=questionnaire, cohort_label=cohort_label.strip(),
        cohort_size=cohort_size, closes_on=closes_on, created_by=by,
    )  # fmt: skip
    _issue_links(feedback_round, cohort_size)
    # Links issued count toward the response rate at once.
    mark_participant_rating_stale(programme_id=programme.id)
    return feedback_round


def _issue_links(feedback_round: FeedbackRound, count: int) -> None:
    while True:
        try:
            with transaction.atomic():
                ParticipantLink.objects.bulk_create(
                    [ParticipantLink(round=feedback_round, code=new_code()) for _ in range(count)]
                )
            return
        except IntegrityError:  # a code already in use (about one in 10^11): draw again
            continue


# --- Responses --------------------------------------------------------------------------------


def link_for_answering(code: str) -> ParticipantLink:
    """The unused link behind a code in an open round, or a refusal a participant can act on."""
    link = (
        ParticipantLink.objects.select_related("round__questionnaire", "round__programme__provider")
        .filter(code=normalise_code(code))
        .first()
    )
    if link is None:
        raise ValidationFailed({"code": ["We do not recognise that code. Check it against the one you were given"]})
    if link.used_at is not None:
        raise InvalidTransition("This link has already been used to give feedback. Each link can be used once.")
    if link.round.closes_on < timezone.localdate():
        raise InvalidTransition(f"This feedback round closed on {link.round.closes_on:%-d %B %Y}.")
    return link


def _answer_errors(questions: list[Question], scale_max: int, answers: Mapping[str, object]) -> dict[str, list[str]]:
    errors = {}
    for question in questions:
        value = answers.get(question.code)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= scale_max:
            errors[question.code] = [f"Choose an answer from 1 to {scale_max} for ‘{question.text}’"]
    return errors


def response_submit(*, code: str, answers: Mapping[str, object], comment: str = "") -> ParticipantResponse:
    """Record one participant's answers through their link, once.

    The link is claimed by a conditional update in the same transaction as the response: of two
    submissions racing on one link, the second waits for the first's row lock, then finds the
    link used and is refused, so a link can never give two responses.
    """
    link = link_for_answering(code)
    questionnaire = link.round.questionnaire
    questions = list(questionnaire.questions.all())
    errors = _answer_errors(questions, questionnaire.scale_max, answers)
    if len(comment) > 2000:
        errors["comment"] = ["Your comment must be 2,000 characters or fewer"]
    if errors:
        raise ValidationFailed(errors)
    # Every answer is a whole number on the scale by now (_answer_errors).
    kept = {question.code: value for question in questions if isinstance(value := answers[question.code], int)}
    share = sum(value - 1 for value in kept.values()) / (len(kept) * (questionnaire.scale_max - 1))
    with transaction.atomic():
        if not _claim_link(link_id=link.pk):
            raise InvalidTransition("This link has already been used to give feedback. Each link can be used once.")
        response = ParticipantResponse.objects.create(
            round=link.round, answers=kept, score=share, comment=comment.strip(),
            comment_status=CommentStatus.PENDING if comment.strip() else CommentStatus.NONE,
            submitted_on=timezone.localdate(),
        )  # fmt: skip
        mark_participant_rating_stale(programme_id=link.round.programme_id)
    return response


def _claim_link(*, link_id: int) -> bool:
    """Mark a link used if it is unused and its round open; False if another submission won.

    One plain UPDATE with its conditions on the link's own row: PostgreSQL re-checks them on the
    row as the winner committed it. (A Django ``.update()`` filtered through the round becomes
    ``WHERE id IN (subquery)``, whose conditions are not re-checked, and lets both through.)
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE feedback_participantlink AS link SET used_at = %s FROM feedback_feedbackround AS round "
            "WHERE link.id = %s AND link.used_at IS NULL AND round.id = link.round_id AND round.closes_on >= %s",
            [timezone.now(), link_id, timezone.localdate()],
        )
        claimed: int = cursor.rowcount
        return claimed == 1


# --- Comments ---------------------------------------------------------------------------------


def comment_moderate(*, response: ParticipantResponse, by: User, approve: bool) -> ParticipantResponse:
    """Publish a participant's comment on the programme's page, or keep it off."""
    if not policies.may_moderate_feedback(by):
        raise NotPermitted("Only convenors approve participants' comments.")
    if response.comment_status == CommentStatus.NONE:
        raise InvalidTransition("This response has no comment.")
    status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    ParticipantResponse.objects.filter(pk=response.pk).update(
        comment_status=status, comment_moderated_by=by, comment_moderated_at=timezone.now()
    )
    response.refresh_from_db()
    return response


# --- The questionnaire's versions ---------------------------------------------------------------


QUESTIONNAIRE_SETTINGS = ["name", "introduction", "scale_max", "scale_low_label", "scale_high_label", "prior_weight",
                          "min_responses", "burst_minutes", "burst_share", "identical_share"]  # fmt: skip


def _guard_editor(by: User) -> None:
    if not policies.may_edit_questionnaire(by):
        raise NotPermitted("Only convenors change the participant questionnaire.")


@transaction.atomic
def questionnaire_draft_start(*, by: User) -> Questionnaire:
    """The draft of the next version (a copy of the live one), or the draft already started."""
    _guard_editor(by)
    draft = Questionnaire.objects.filter(is_published=False).first()
    if draft:
        return draft
    live = Questionnaire.objects.get(is_live=True)
    latest = Questionnaire.objects.order_by("-version").values_list("version", flat=True).first() or 0
    copied = {name: getattr(live, name) for name in QUESTIONNAIRE_SETTINGS}
    draft = Questionnaire.objects.create(**copied, version=latest + 1)
    Question.objects.bulk_create(
        [Question(questionnaire=draft, position=q.position, code=q.code, text=q.text) for q in live.questions.all()]
    )
    return draft


def _question_errors(questions: list[dict[str, str]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not questions:
        errors["questions"] = ["Add at least one question"]
    codes = [question["code"] for question in questions]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        errors["questions"] = [f"Each question needs its own code; used more than once: {', '.join(duplicates)}"]
    return errors


@transaction.atomic
def questionnaire_draft_update(
    *, draft: Questionnaire, by: User, values: dict[str, object], questions: list[dict[str, str]]
) -> Questionnaire:
    """Replace a draft's settings and questions (``questions``: dicts of code and text, in order)."""
    _guard_editor(by)
    draft = Questionnaire.objects.select_for_update().get(pk=draft.pk)
    if draft.is_published:
        raise InvalidTransition(f"Version {draft.version} is published and cannot change; start a new version.")
    errors = _question_errors(questions)
    if errors:
        raise ValidationFailed(errors)
    for name in QUESTIONNAIRE_SETTINGS:
        setattr(draft, name, values[name])
    draft.save()
    draft.questions.all().delete()
    Question.objects.bulk_create(
        [Question(questionnaire=draft, position=index, code=q["code"], text=q["text"])
         for index, q in enumerate(questions, start=1)]
    )  # fmt: skip
    return draft


@transaction.atomic
def questionnaire_publish(*, draft: Questionnaire, by: User) -> Questionnaire:
    """Make a draft the live version; new rounds use it, and every participant rating is
    recomputed with its settings (existing rounds keep the questions they were asked)."""
    _guard_editor(by)
    draft = Questionnaire.objects.select_for_update().get(pk=draft.pk)
    if draft.is_published:
        raise InvalidTransition(f"Version {draft.version} is already published.")
    if not draft.questions.exists():
        raise ValidationFailed({"questions": ["Add at least one question before publishing"]})
    Questionnaire.objects.filter(is_live=True).update(is_live=False)
    Questionnaire.objects.filter(pk=draft.pk).update(is_published=True, is_live=True, published_at=timezone.now())
    transaction.on_commit(enqueue_full_recompute, using=connection.alias)
    draft.refresh_from_db()
    return draft


# --- Staleness: the durable promise, as for the expert rating (ratings.services) ------------------


def mark_participant_rating_stale(*, programme_id: int) -> None:
    """Record, in the caller's transaction, that a programme's participant rating must be
    recomputed, and enqueue the recompute once that transaction commits."""
    outbox.mark_stale(StaleParticipantRating, programme_id)
    transaction.on_commit(lambda: enqueue_recompute(programme_id), using=connection.alias)


def enqueue_recompute(programme_id: int) -> None:
    from feedback.tasks import recompute_participant_rating

    try:
        recompute_participant_rating.delay(programme_id)
    except Exception:  # noqa: BLE001 - a broker outage must not fail a participant's answer; the sweep repairs it.
        logger.warning("Could not enqueue participant rating recompute for programme %s; the sweep will", programme_id)


def enqueue_full_recompute() -> None:
    from feedback.tasks import recompute_all_participant_ratings

    try:
        recompute_all_participant_ratings.delay()
    except Exception:  # noqa: BLE001 - as above: the nightly run recomputes every participant rating.
        logger.warning("Could not enqueue the whole-register participant recompute; the nightly run will")


def participant_rating_refresh(*, programme_id: int) -> None:
    from feedback import engine

    seen = _markers_seen([programme_id])
    engine.recompute_programmes(programme_ids=[programme_id])
    _clear_markers(seen)


def participant_ratings_refresh_all() -> int:
    from feedback import engine

    seen = _markers_seen(None)
    written = engine.recompute_all()
    _clear_markers(seen)
    return written


def stale_participant_ratings_sweep(*, batch_size: int = 500) -> int:
    """Recompute whatever is still marked stale, in claimed batches (``SKIP LOCKED``)."""
    from feedback import engine

    done = 0
    while claimed := _claim_batch(batch_size=batch_size):
        engine.recompute_programmes(programme_ids=list(claimed))
        _clear_markers(claimed)
        done += len(claimed)
    return done


def _claim_batch(*, batch_size: int) -> dict[int, datetime]:
    now = timezone.now()
    claim_until = now + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return outbox.claim_marker_batch(StaleParticipantRating, batch_size=batch_size, claim_until=claim_until, now=now)


def _markers_seen(programme_ids: list[int] | None) -> dict[int, datetime]:
    return outbox.markers_seen(StaleParticipantRating, programme_ids)


def _clear_markers(seen: dict[int, datetime]) -> int:
    return outbox.clear_markers(StaleParticipantRating, seen)

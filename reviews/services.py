"""Writes in the review workflow: assign, score, submit, declare a conflict, moderate (the
programme's own status changes, publishing included, are ``programmes.lifecycle``'s).

Every function is keyword-only, checks the caller against ``reviews.policies``, changes state
only through ``reviews.state_machine``, writes the audit trail in the same transaction, and
leaves e-mails and rating recomputes to run after that transaction commits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Required, TypedDict, Unpack

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from programmes.lifecycle import in_review_round, programme_start_review
from programmes.models import Programme
from qaportal import outbox
from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from qaportal.text import first_forbidden_character
from qaportal.transitions import Step
from ratings.services import mark_programme_rating_stale
from reviews import audit, policies
from reviews.audit import Action, Change
from reviews.models import (
    Affiliation,
    Criterion,
    CriterionScore,
    Framework,
    Notification,
    NotificationKind,
    Review,
    ReviewState,
    ScoreLevel,
)
from reviews.state_machine import REVIEW_ACTIVE, REVIEW_HANDED_IN, review_step

MIN_RATIONALE_LENGTH = 20
MAX_IMPORT_LINES = 2000
# Reviews still being worked on when a programme is published: they no longer count.
OUTSTANDING_STATES = (ReviewState.ASSIGNED, ReviewState.IN_PROGRESS, ReviewState.RETURNED, ReviewState.SUBMITTED)


@dataclass(frozen=True)
class ScoreInput:
    """What a reviewer typed for one criterion; ``score`` is None while undecided."""

    score: int | None
    rationale: str


class ReviewTyped(TypedDict, total=False):
    """What a reviewer sends to save or submit a review: the criteria typed (only those are written),
    and the overall questions, each left as it was when absent or None."""

    scores: Required[dict[int, ScoreInput]]
    overall_comment: str | None
    no_conflict_confirmed: bool | None


def required_text(text: str, field: str, message: str) -> str:
    """The text stripped; left empty, it is refused beside ``field`` with ``message`` (a reason, a
    comment or a note that an action cannot go ahead without)."""
    text = text.strip()
    if not text:
        raise ValidationFailed({field: [message]})
    return text


def score_field(criterion_id: int) -> str:
    return f"score_{criterion_id}"


def rationale_field(criterion_id: int) -> str:
    return f"rationale_{criterion_id}"


# --- Notifications --------------------------------------------------------------------------


def notify(*, kind: str, programme_id: int, review_id: int | None = None) -> Notification:
    """Owe an e-mail: the row is written now, the task that sends it runs after commit."""
    notification = Notification.objects.create(kind=kind, programme_id=programme_id, review_id=review_id)
    outbox.publish_on_commit("reviews.tasks.send_notification", notification.id, what=f"notification {notification.id}")
    return notification


# --- Conflicts and assignment ---------------------------------------------------------------


def live_framework() -> Framework:
    framework = Framework.objects.filter(is_live=True).first()
    if framework is None:
        raise InvalidTransition("There is no live framework to review against; a convenor must publish one.")
    return framework


def review_assign(*, programme: Programme, reviewer: User, by: User) -> Review:
    """Assign a reviewer to a submitted or in-review programme, refusing any conflict of interest."""
    if not policies.may_assign(by):
        raise NotPermitted("Only convenors assign reviewers.")
    with transaction.atomic():
        programme = Programme.objects.select_for_update().select_related("provider").get(pk=programme.pk)
        if not in_review_round(programme):
            raise InvalidTransition(
                f"This programme is {programme.get_status_display().lower()}, so reviewers cannot be assigned."
            )
        _refuse_unassignable(programme, reviewer)
        review = Review.objects.create(
            programme=programme, reviewer=reviewer, framework=live_framework(), assigned_by=by
        )
        audit.record(
            actor=by,
            programme_id=programme.id,
            review_id=review.id,
            action=Action.ASSIGNED,
            change=Change("reviewer", "", reviewer.username),
        )
        programme_start_review(programme=programme, by=by)
        notify(kind=NotificationKind.ASSIGNED, programme_id=programme.id, review_id=review.id)
    return review


def _refuse_unassignable(programme: Programme, reviewer: User) -> None:
    """The pool's one eligibility rule; the reviewer's profile row is locked first, so two
    convenors assigning at once cannot both take the last place in a reviewer's capacity."""
    from pool.eligibility import assignment_refusals
    from pool.models import ReviewerProfile

    list(ReviewerProfile.objects.select_for_update().filter(reviewer=reviewer).values_list("id", flat=True))
    reasons = assignment_refusals(reviewer=reviewer, programme=programme)
    if reasons:
        raise ValidationFailed({"reviewer": reasons})


@dataclass(frozen=True)
class ImportLine:
    number: int
    programme_slug: str
    reviewer_username: str
    assigned: bool
    message: str


def assignments_import(*, csv_text: str, by: User) -> list[ImportLine]:
    """Assign reviewers from CSV lines of ``programme-slug,reviewer-username``; each line stands
    alone, so one refusal never undoes another line's assignment. Returns a report per line."""
    if not policies.may_assign(by):
        raise NotPermitted("Only convenors assign reviewers.")
    rows = _csv_rows(csv_text)
    if len(rows) > MAX_IMPORT_LINES:
        raise ValidationFailed({"file": [f"The file has {len(rows)} lines; upload at most {MAX_IMPORT_LINES}."]})
    report = []
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or (number == 1 and [c.lower() for c in cells[:2]] == ["programme", "reviewer"]):
            continue
        report.append(_import_line(number, cells, by))
    return report


def _csv_rows(csv_text: str) -> list[list[str]]:
    """The upload's rows; a control character or a malformed line is refused with its line number."""
    for number, line in enumerate(csv_text.splitlines(), start=1):
        if first_forbidden_character(line, multiline=True) is not None:
            raise ValidationFailed({"file": [f"The file must not contain control characters (line {number})."]})
    reader = csv.reader(io.StringIO(csv_text))
    try:
        return list(reader)
    except csv.Error as error:
        limit = f"{csv.field_size_limit():,}"
        message = (
            f"Line {reader.line_num} has a value longer than {limit} characters; "
            "check the file holds programme slugs and reviewer usernames."
            if "field larger" in str(error)
            else f"Line {reader.line_num} is not valid CSV ({error})."
        )
        raise ValidationFailed({"file": [message]}) from error


def _import_line(number: int, cells: list[str], by: User) -> ImportLine:
    if len(cells) != 2 or not all(cells):
        return ImportLine(number, ",".join(cells), "", False, "Expected two values: programme slug, reviewer username.")
    slug, username = cells
    programme = Programme.objects.filter(slug=slug).first()
    reviewer = User.objects.filter(username=username).first()
    if programme is None:
        return ImportLine(number, slug, username, False, f"No programme has the slug “{slug}”.")
    if reviewer is None:
        return ImportLine(number, slug, username, False, f"No user has the username “{username}”.")
    try:
        review_assign(programme=programme, reviewer=reviewer, by=by)
    except (ValidationFailed, InvalidTransition) as refused:
        return ImportLine(number, slug, username, False, refused.message)
    return ImportLine(number, slug, username, True, "Assigned.")


# --- Scoring --------------------------------------------------------------------------------


def _locked_own_review(review: Review, by: User) -> Review:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.reviewer_id != by.id or not policies.is_reviewer(by):
        raise NotPermitted("This is not your review.")
    return locked


def _check_score_inputs(review: Review, scores: dict[int, ScoreInput]) -> dict[int, Criterion]:
    return check_score_inputs(framework_id=review.framework_id, scores=scores)


def check_score_inputs(*, framework_id: int, scores: dict[int, ScoreInput]) -> dict[int, Criterion]:
    """Refuses a criterion the framework does not have and a level outside its levels, per field."""
    criteria = {c.id: c for c in Criterion.objects.filter(element__framework_id=framework_id)}
    levels = set(ScoreLevel.objects.filter(framework_id=framework_id).values_list("level", flat=True))
    top = max(levels, default=4)
    forged = sorted(set(scores) - set(criteria))
    errors: dict[str, list[str]] = {}
    if forged:
        errors["__all__"] = [
            "The form contained a criterion that is not part of this review's framework "
            f"(id {', '.join(map(str, forged))}). Nothing was saved; check your scores and try again."
        ]
    for criterion_id, typed in scores.items():
        if typed.score is not None and typed.score not in levels and criterion_id in criteria:
            code = criteria[criterion_id].code
            errors[score_field(criterion_id)] = [f"Select a level from 1 to {top} for {code}."]
    if errors:
        raise ValidationFailed(errors)
    return criteria


def review_save_draft(*, review: Review, by: User, **typed: Unpack[ReviewTyped]) -> Review:
    """Save whatever the reviewer has typed, complete or not; scores must be levels of its framework.

    Only the criteria in ``scores`` are written, and the overall questions only when given (not
    None): one element's page saves that element and leaves the rest of the review as it was."""
    with transaction.atomic():
        review = _locked_own_review(review, by)
        _save_draft_locked(review, by, typed)
    return review


def _save_draft_locked(review: Review, by: User, typed: ReviewTyped) -> None:
    step = review_step(review.state, "save_draft")
    _check_score_inputs(review, typed["scores"])
    _write_scores(review, by, typed["scores"])
    _write_review_fields(review, by, typed.get("overall_comment"), typed.get("no_conflict_confirmed"))
    if not step.is_repeat:
        review.state = step.new
        audit.record_state(actor=by, programme_id=review.programme_id, review_id=review.id, **_old_new(step))
    review.save()


def _old_new(step: Step) -> dict[str, str]:
    return {"old": step.old, "new": step.new}


def _write_scores(review: Review, by: User, scores: dict[int, ScoreInput]) -> None:
    existing = {row.criterion_id: row for row in CriterionScore.objects.filter(review=review)}
    codes = dict(Criterion.objects.filter(id__in=scores).values_list("id", "code"))
    to_create: list[CriterionScore] = []
    to_update: list[CriterionScore] = []
    changes: dict[str, list[Change]] = {"score": [], "rationale": []}
    for criterion_id, typed in scores.items():
        row = existing.get(criterion_id) or CriterionScore(review=review, criterion_id=criterion_id)
        rationale = typed.rationale.strip()
        if row.pk and row.score == typed.score and row.rationale == rationale:
            continue
        if row.score != typed.score:
            changes["score"].append(Change(f"{codes[criterion_id]} score", row.score, typed.score))
        if row.rationale != rationale:
            changes["rationale"].append(Change(f"{codes[criterion_id]} rationale", row.rationale, rationale))
        row.score, row.rationale = typed.score, rationale
        (to_update if row.pk else to_create).append(row)
    CriterionScore.objects.bulk_create(to_create)
    CriterionScore.objects.bulk_update(to_update, ["score", "rationale", "updated_at"])
    for action, field_changes in ((Action.SCORE, changes["score"]), (Action.RATIONALE, changes["rationale"])):
        audit.record_changes(
            actor=by, programme_id=review.programme_id, review_id=review.id, action=action, changes=field_changes
        )


def _write_review_fields(
    review: Review, by: User, overall_comment: str | None, no_conflict_confirmed: bool | None
) -> None:
    if no_conflict_confirmed is not None:
        review.no_conflict_confirmed = no_conflict_confirmed
    if overall_comment is None:
        return
    overall_comment = overall_comment.strip()
    if overall_comment != review.overall_comment:
        audit.record(
            actor=by,
            programme_id=review.programme_id,
            review_id=review.id,
            action=Action.COMMENT,
            change=Change("overall comment", review.overall_comment, overall_comment),
        )
    review.overall_comment = overall_comment


def completeness_errors(review: Review, no_conflict_confirmed: bool) -> dict[str, list[str]]:
    """What stands between this review's saved scores and a submission, per form field."""
    saved = {row.criterion_id: (row.score, row.rationale) for row in CriterionScore.objects.filter(review=review)}
    errors = missing_scores(framework_id=review.framework_id, saved=saved)
    if not no_conflict_confirmed:
        errors["no_conflict_confirmed"] = [
            "Confirm that you have no conflict of interest, or declare one instead of submitting."
        ]
    return errors


def missing_scores(
    *, framework_id: int, saved: dict[int, tuple[int | None, str]], element_id: int | None = None
) -> dict[str, list[str]]:
    """Every criterion needs a level and a rationale of ``MIN_RATIONALE_LENGTH``: for a review,
    a calibration attempt, a panel's reference scores or a provider's self-assessment alike.
    ``saved`` maps criterion id to (score, rationale); ``element_id`` asks about one element only."""
    errors: dict[str, list[str]] = {}
    criteria = Criterion.objects.filter(element__framework_id=framework_id).order_by("element__position", "position")
    if element_id is not None:
        criteria = criteria.filter(element_id=element_id)
    for criterion in criteria:
        score, rationale = saved.get(criterion.id, (None, ""))
        if score is None:
            errors[score_field(criterion.id)] = [f"Select a level for {criterion.code} {criterion.title}."]
        if not rationale:
            errors[rationale_field(criterion.id)] = [f"Enter a rationale for {criterion.code}."]
        elif len(rationale) < MIN_RATIONALE_LENGTH:
            errors[rationale_field(criterion.id)] = [
                f"The rationale for {criterion.code} must be at least {MIN_RATIONALE_LENGTH} characters."
            ]
    return errors


def review_submit(*, review: Review, by: User, **typed: Unpack[ReviewTyped]) -> Review:
    """Hand the review in. Whatever was typed is saved first, so a refused submission loses
    nothing; a second submission of a review already handed in (a double click, a resent
    form) changes nothing, because the state is read under the row lock."""
    with transaction.atomic():
        review = _locked_own_review(review, by)
        if review.state in REVIEW_HANDED_IN:
            review_step(review.state, "submit")  # refuses (409) anything but a repeat
            return review
        _save_draft_locked(review, by, typed)
        errors = completeness_errors(review, review.no_conflict_confirmed)
        if not errors:
            step = review_step(review.state, "submit")
            review.state, review.submitted_at = step.new, timezone.now()
            review.save(update_fields=["state", "submitted_at", "updated_at"])
            audit.record_state(actor=by, programme_id=review.programme_id, review_id=review.id, **_old_new(step))
    # Raised after the commit, so the draft typed so far is kept.
    if errors:
        raise ValidationFailed(errors)
    return review


def review_declare_conflict(*, review: Review, by: User, note: str) -> Review:
    """The reviewer has a conflict: release the assignment and tell the convenors."""
    note = required_text(note, "conflict_note", "Describe the conflict of interest.")
    with transaction.atomic():
        review = _locked_own_review(review, by)
        step = review_step(review.state, "release")
        if step.is_repeat:
            return review
        review.state, review.conflict_note = step.new, note
        review.save(update_fields=["state", "conflict_note", "updated_at"])
        audit.record(
            actor=by,
            programme_id=review.programme_id,
            review_id=review.id,
            action=Action.CONFLICT,
            change=Change("state", step.old, step.new),
        )
        notify(kind=NotificationKind.CONFLICT, programme_id=review.programme_id, review_id=review.id)
    return review


# --- Moderation -----------------------------------------------------------------------------


def _locked_review_for_moderation(review: Review, by: User) -> Review:
    if not policies.may_moderate(by):
        raise NotPermitted("Only convenors moderate reviews.")
    return Review.objects.select_for_update().get(pk=review.pk)


def review_accept(*, review: Review, by: User) -> Review:
    with transaction.atomic():
        review = _locked_review_for_moderation(review, by)
        step = review_step(review.state, "accept")
        if not step.is_repeat:
            review.state = step.new
            review.save(update_fields=["state", "updated_at"])
            audit.record_state(actor=by, programme_id=review.programme_id, review_id=review.id, **_old_new(step))
    return review


def review_return(*, review: Review, by: User, comment: str) -> Review:
    """Send a review back to its reviewer with the convenor's reason; they fix and resubmit."""
    comment = required_text(comment, "comment", "Say what the reviewer should change.")
    with transaction.atomic():
        review, changed = _moderate_with_comment(
            review, by, transition="return", field="return_comment", comment=comment, label="return comment"
        )
        if changed:
            notify(kind=NotificationKind.RETURNED, programme_id=review.programme_id, review_id=review.id)
    return review


def _moderate_with_comment(
    review: Review, by: User, *, transition: str, field: str, comment: str, label: str
) -> tuple[Review, bool]:
    """One convenor step that carries a comment: the new state, the comment on the review, and
    both in the audit trail. Returns the review and whether anything changed (a repeat does not)."""
    review = _locked_review_for_moderation(review, by)
    step = review_step(review.state, transition)
    if step.is_repeat:
        return review, False
    review.state = step.new
    setattr(review, field, comment)
    review.save(update_fields=["state", field, "updated_at"])
    audit.record_state(actor=by, programme_id=review.programme_id, review_id=review.id, **_old_new(step))
    audit.record(
        actor=by,
        programme_id=review.programme_id,
        review_id=review.id,
        action=Action.COMMENT,
        change=Change(label, "", comment),
    )
    return review, True


def _review_transition(review: Review, action: str, by: User, **stamps: object) -> None:
    step = review_step(review.state, action)
    if step.is_repeat:
        return
    Review.objects.filter(pk=review.pk).update(state=step.new, updated_at=timezone.now(), **stamps)
    review.state = step.new
    audit.record_state(actor=by, programme_id=review.programme_id, review_id=review.id, **_old_new(step))


def review_withdraw(*, review: Review, by: User, reason: str) -> Review:
    """Withdraw one published review (for example, a conflict found later); the rating follows."""
    reason = required_text(reason, "reason", "Give the reason for withdrawing this review.")
    with transaction.atomic():
        review = _locked_review_for_moderation(review, by)
        if review.state != ReviewState.PUBLISHED and review.state != ReviewState.WITHDRAWN:
            raise InvalidTransition(
                f"This review is {review.get_state_display().lower()}; only a published review can be withdrawn."
            )
        _review_transition(review, "withdraw", by)
        audit.record(
            actor=by,
            programme_id=review.programme_id,
            review_id=review.id,
            action=Action.COMMENT,
            change=Change("withdrawal reason", "", reason),
        )
        mark_programme_rating_stale(programme_id=review.programme_id)
    return review


def review_release(*, review: Review, by: User, reason: str) -> Review:
    """A convenor takes an unfinished assignment back from its reviewer (for example, a conflict
    found by the convenor, or a reviewer who cannot finish); another reviewer can then be assigned."""
    reason = required_text(reason, "reason", "Give the reason for releasing this reviewer.")
    with transaction.atomic():
        review, _ = _moderate_with_comment(
            review, by, transition="release", field="conflict_note", comment=reason, label="release reason"
        )
    return review


def reviews_publish_for_programme(*, programme: Programme, accepted: list[Review], by: User, at: datetime) -> None:
    """The reviews' side of publishing a programme (``programmes.lifecycle.programme_publish``, in
    its transaction): the published reviews it had are superseded, the accepted ones published and
    those still outstanding withdrawn."""
    for review in Review.objects.select_for_update().filter(programme=programme, state=ReviewState.PUBLISHED):
        _review_transition(review, "supersede", by)
    for review in accepted:
        _review_transition(review, "publish", by, published_at=at)
    for review in Review.objects.select_for_update().filter(programme=programme, state__in=OUTSTANDING_STATES):
        _review_transition(review, "withdraw", by)


def reviews_withdraw_for_programme(*, programme: Programme, by: User) -> None:
    """Withdraw every live review of a programme that is itself being withdrawn."""
    for review in Review.objects.select_for_update().filter(programme=programme, state__in=REVIEW_ACTIVE):
        _review_transition(review, "withdraw", by)


# --- Affiliations ---------------------------------------------------------------------------


def affiliation_add(
    *, reviewer: User, organisation_name: str, role: str = "", ended_on: date | None = None
) -> Affiliation:
    """Record an organisation the reviewer works or worked for; linked to the provider of that name."""
    if not policies.is_reviewer(reviewer):
        raise NotPermitted("Only reviewers record affiliations.")
    organisation_name = organisation_name.strip()
    if not organisation_name:
        raise ValidationFailed({"organisation_name": ["Enter the organisation's name."]})
    if ended_on and ended_on > date.today():
        raise ValidationFailed({"ended_on": ["The end date must be today or in the past; leave it empty if current."]})
    from providers.models import Provider

    provider = Provider.objects.filter(name__iexact=organisation_name).first()
    return Affiliation.objects.create(
        reviewer=reviewer, provider=provider, organisation_name=organisation_name, role=role.strip(), ended_on=ended_on
    )


def affiliation_end(*, affiliation: Affiliation, by: User, ended_on: date) -> Affiliation:
    """Record that the reviewer has left an organisation. Affiliations are ended, never erased:
    the conflict still counts for ``pool.eligibility.CONFLICT_YEARS`` after the end date, and the
    end cannot be put before the day the affiliation was recorded as current, or moved later."""
    if affiliation.reviewer_id != by.id:
        raise NotPermitted("This is not your affiliation.")
    with transaction.atomic():
        affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
        recorded_on = timezone.localdate(affiliation.recorded_at)
        if affiliation.ended_on is not None:
            raise InvalidTransition(
                f"Your affiliation with {affiliation.organisation_name} already ended on "
                f"{affiliation.ended_on:%-d %B %Y}; it stays on your record."
            )
        if ended_on > date.today():
            raise ValidationFailed({"ended_on": ["The date you left must be today or in the past."]})
        if ended_on < recorded_on:
            raise ValidationFailed(
                {
                    "ended_on": [
                        f"You told us you worked there on {recorded_on:%-d %B %Y}, so you cannot have left before then."
                    ]
                }
            )
        affiliation.ended_on = ended_on
        affiliation.save(update_fields=["ended_on"])
        from pool.services import record_pool_event

        record_pool_event(
            actor=by,
            reviewer_id=by.id,
            action="affiliation-ended",
            detail=f"{affiliation.organisation_name}: {ended_on}",
        )
    return affiliation


# --- Notifications, sent by the task --------------------------------------------------------


def notifications_send_owed(*, limit: int = 500) -> int:
    """Send e-mails whose task message never arrived (the broker was down at commit) or whose worker
    died while sending; returns how many.

    Only rows older than the outbox's grace period, so that a message still on its way is not raced.
    """
    now = timezone.now()
    owed_ids = (
        Notification.objects.filter(sent_at__isnull=True, created_at__lt=outbox.unclaimed_since(now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .values_list("id", flat=True)[:limit]
    )
    return sum(notification_send(notification_id=notification_id) for notification_id in list(owed_ids))


def notification_send(*, notification_id: int) -> bool:
    """Send one owed e-mail unless it has been sent already or another worker is sending it; True if
    this call sent it.

    The claim is a short committed update (``claimed_until``); ``sent_at`` is written once the mail
    server has taken the message. A worker that dies in between leaves the claim to expire and the
    sweep sends it: rather a rare second copy than a lost e-mail.
    """
    from reviews.notifications import deliver

    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=outbox.claim_expiry(now))
    )
    if claimed != 1:
        return False
    notification = Notification.objects.select_related("programme", "review__reviewer").get(pk=notification_id)
    try:
        recipients = deliver(notification)
    except Exception:
        # Un-claim, so that the retry sends it.
        Notification.objects.filter(pk=notification_id).update(claimed_until=None)
        raise
    Notification.objects.filter(pk=notification_id).update(
        sent_at=timezone.now(), claimed_until=None, recipients="\n".join(recipients)
    )
    return True

"""Reads for the reviewer pool's pages; each list is a fixed number of queries however long."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from pool.models import ApplicationStatus, CalibrationAttempt, CalibrationExercise, ReviewerApplication, ReviewerProfile


def pool_members(*, status: str = "", search: str = "") -> QuerySet[ReviewerProfile]:
    members = ReviewerProfile.objects.select_related("reviewer").order_by("reviewer__username")
    if status:
        members = members.filter(status=status)
    if search:
        members = members.filter(
            Q(reviewer__username__icontains=search)
            | Q(reviewer__first_name__icontains=search)
            | Q(reviewer__last_name__icontains=search)
            | Q(expertise_tags__contains=[search.lower()])
        )
    return members


def pending_applications() -> QuerySet[ReviewerApplication]:
    return ReviewerApplication.objects.filter(status=ApplicationStatus.PENDING).select_related("applicant")


def latest_application(*, applicant: User) -> ReviewerApplication | None:
    return ReviewerApplication.objects.filter(applicant=applicant).order_by("-created_at", "-id").first()


def exercises() -> QuerySet[CalibrationExercise]:
    return CalibrationExercise.objects.select_related("programme", "framework").order_by("-created_at", "-id")


def attempts_of(*, reviewer: User) -> QuerySet[CalibrationAttempt]:
    return CalibrationAttempt.objects.filter(reviewer=reviewer).select_related("exercise").order_by("-started_at")

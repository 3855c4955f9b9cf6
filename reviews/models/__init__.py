from reviews.models.audit import AuditEvent
from reviews.models.framework import (
    Band,
    BandScore,
    Criterion,
    Element,
    Framework,
    FrameworkStatus,
    LevelDescriptor,
    ScoreLevel,
)
from reviews.models.notification import Notification, NotificationKind
from reviews.models.review import Affiliation, CriterionScore, Review, ReviewState

__all__ = [
    "Affiliation",
    "AuditEvent",
    "Band",
    "BandScore",
    "Criterion",
    "CriterionScore",
    "Element",
    "Framework",
    "FrameworkStatus",
    "LevelDescriptor",
    "Notification",
    "NotificationKind",
    "Review",
    "ReviewState",
    "ScoreLevel",
]

from reviews.models.audit import AuditEvent
from reviews.models.cycle import (
    CONCERN_OPEN_STATUSES,
    Concern,
    ConcernStatus,
    ExpiryReminder,
    ReReview,
    ReReviewReason,
)
from reviews.models.framework import (
    MAX_LEVELS,
    Band,
    BandScore,
    Criterion,
    CrosswalkScheme,
    CrosswalkTag,
    Element,
    Framework,
    FrameworkStatus,
    LevelDescriptor,
    ScoreLevel,
)
from reviews.models.notification import Notification, NotificationKind
from reviews.models.review import Affiliation, CriterionScore, Review, ReviewState
from reviews.models.self_assessment import SelfAssessment, SelfAssessmentScore

__all__ = [
    "CONCERN_OPEN_STATUSES",
    "MAX_LEVELS",
    "Affiliation",
    "AuditEvent",
    "Band",
    "BandScore",
    "Concern",
    "ConcernStatus",
    "Criterion",
    "CriterionScore",
    "CrosswalkScheme",
    "CrosswalkTag",
    "Element",
    "ExpiryReminder",
    "Framework",
    "FrameworkStatus",
    "LevelDescriptor",
    "Notification",
    "NotificationKind",
    "ReReview",
    "ReReviewReason",
    "Review",
    "ReviewState",
    "ScoreLevel",
    "SelfAssessment",
    "SelfAssessmentScore",
]

"""Fixed vocabularies that describe a programme."""

from django.db import models


class FocusLevel(models.TextChoices):
    TEACHER = "teacher", "Teachers"
    MIDDLE_LEADER = "middle-leader", "Middle leaders"
    SENIOR_LEADER = "senior-leader", "Senior leaders"
    HEADTEACHER = "headteacher", "Headteachers"
    EXECUTIVE = "executive", "Executive and system leaders"


class Format(models.TextChoices):
    COURSE = "course", "Course"
    COACHING = "coaching", "Coaching or mentoring"
    JPD = "jpd", "Joint practice development or collaborative enquiry"
    QUALIFICATION = "qualification", "Qualification"
    NETWORK = "network", "Network"
    CONFERENCE = "conference", "Conference"


class DeliveryMode(models.TextChoices):
    FACE_TO_FACE = "face-to-face", "Face to face"
    ONLINE = "online", "Online"
    BLENDED = "blended", "Blended"


class FundingRoute(models.TextChoices):
    # Bit positions: append only (see qaportal.fields).
    SELF_FUNDED = "self-funded", "School pays"
    DFE_FUNDED = "dfe-funded", "DfE funded (for example NPQ scholarships)"
    HUB_FUNDED = "hub-funded", "Funded through a teaching school hub"
    LA_FUNDED = "la-funded", "Local authority funded"
    TRUST_SUBSCRIPTION = "trust-subscription", "Trust or partnership subscription"
    BURSARY = "bursary", "Bursaries available"
    APPRENTICESHIP = "apprenticeship-levy", "Apprenticeship levy"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    IN_REVIEW = "in-review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ElementKey(models.TextChoices):
    """The five elements of quality assurance named in the sources; frameworks give them weights."""

    PURPOSE = "purpose", "Purpose"
    GOVERNANCE = "governance", "Governance"
    PROCESS = "process", "Process"
    DEFINITIONS = "definitions", "Definitions"
    VALUE = "value", "Value"

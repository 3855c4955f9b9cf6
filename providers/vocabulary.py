"""Fixed vocabularies that describe who offers provision and where (the sources' "context")."""

from django.db import models


class Region(models.TextChoices):
    # Bit positions: append only (see qaportal.fields).
    NORTH_EAST = "north-east", "North East"
    NORTH_WEST = "north-west", "North West"
    YORKSHIRE = "yorkshire-humber", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east-midlands", "East Midlands"
    WEST_MIDLANDS = "west-midlands", "West Midlands"
    EAST = "east-of-england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south-east", "South East"
    SOUTH_WEST = "south-west", "South West"


class Phase(models.TextChoices):
    EARLY_YEARS = "early-years", "Early years"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    SPECIAL = "special", "Special schools"
    ALTERNATIVE = "alternative-provision", "Alternative provision"
    POST_16 = "post-16", "Post-16"


class ProviderType(models.TextChoices):
    MAT = "mat", "Multi-academy trust (MAT)"
    HUB = "hub", "Teaching school hub or alliance (TSA)"
    LOCAL_AUTHORITY = "local-authority", "Local authority or LA partnership"
    DIOCESE = "diocese", "Diocese"
    UNIVERSITY = "university", "University"
    CHARITY = "charity", "Charity or not-for-profit"
    COMPANY = "company", "Private company"
    SCHOOL = "school", "School"
    ASSOCIATION = "association", "Subject or professional association"
    SYSTEM_LEADER = "system-leader", "Individual system leader (SLE, NLE)"

"""Leaders as the product makes them: signed up through the service, their address verified."""

import pytest
from django.utils import timezone

from leaders import services
from leaders.models import LeaderAccount
from tests import factories


def make_leader(email: str = "head-hana@school.example", **account):
    user = services.leader_sign_up(email=email, password="pw-for-tests-1", school_name="Hill Primary")
    LeaderAccount.objects.filter(user=user).update(email_verified_at=timezone.now(), **account)
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@pytest.fixture
def leader(db):
    return make_leader()


@pytest.fixture
def other_leader(db):
    return make_leader("head-hugo@school.example")


@pytest.fixture
def catalogue(provider):
    return [
        factories.make_programme(provider, title=title) for title in ("Phonics for all", "Maths mastery", "Coaching")
    ]

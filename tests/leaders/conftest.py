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


def make_provider_with_editor(name: str, editor_name: str):
    from qaportal.roles import Role

    provider = factories.make_provider(name=name)
    editor = factories.make_user(editor_name, role=Role.PROVIDER_EDITOR)
    provider.editors.add(editor)
    return provider, editor, factories.make_programme(provider, title=f"Coaching with {name}")


@pytest.fixture
def six_providers(db):
    """Six providers, each with one editor and one published programme."""
    return [make_provider_with_editor(f"Provider {letter}", f"editor-{letter.lower()}") for letter in "ABCDEF"]


@pytest.fixture
def shortlist_of_six(leader, six_providers):
    shortlist = services.shortlist_create(by=leader, name="Coaching")
    for _, _, programme in six_providers:
        services.shortlist_add(by=leader, shortlist=shortlist, programme=programme)
    return shortlist


def enquiry_request(providers, **changes):
    from datetime import date, timedelta

    fields = {"need": "Coaching for six new middle leaders.\nAfter school, in Leeds.", "phase": "secondary",
              "staff_count": 6, "starts_on": date.today() + timedelta(days=30),
              "ends_on": date.today() + timedelta(days=300), "providers": [p.id for p in providers]}  # fmt: skip
    fields.update(changes)
    return services.EnquiryRequest(**fields)

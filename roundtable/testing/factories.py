"""factory-boy factories for tests and benchmarks. Data comes from these and from real services."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.circles.models import Circle, CircleMembership
from roundtable.orgs.models import Member, Organization
from roundtable.programs.models import Enrolment, Program


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct-horse-battery")


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    time_zone = "Europe/London"


class MemberFactory(factory.django.DjangoModelFactory[Member]):
    class Meta:
        model = Member

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"
    job_title = "Account manager"
    department = "Sales"
    hire_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=800))
    years_experience = 4
    time_zone = "Europe/London"


class ProgramFactory(factory.django.DjangoModelFactory[Program]):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    purpose = "Win back lapsed customers by sharing what works."
    sponsor = factory.SubFactory(
        MemberFactory, organization=factory.SelfAttribute("..organization")
    )
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    status = Program.Status.ACTIVE


class EnrolmentFactory(factory.django.DjangoModelFactory[Enrolment]):
    class Meta:
        model = Enrolment

    program = factory.SubFactory(ProgramFactory)
    member = factory.SubFactory(
        MemberFactory, organization=factory.SelfAttribute("..program.organization")
    )
    enrolled_on = factory.LazyFunction(timezone.localdate)


class CircleFactory(factory.django.DjangoModelFactory[Circle]):
    class Meta:
        model = Circle

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Circle {n}")
    time_zone = "Europe/London"


class CircleMembershipFactory(factory.django.DjangoModelFactory[CircleMembership]):
    class Meta:
        model = CircleMembership

    circle = factory.SubFactory(CircleFactory)
    member = factory.SubFactory(
        MemberFactory, organization=factory.SelfAttribute("..circle.program.organization")
    )
    joined_on = factory.LazyFunction(timezone.localdate)

"""The shared test personas: one organisation with a program and a circle, and one person for
each role the permission policy knows, plus an outsider from another organisation."""

from __future__ import annotations

from dataclasses import dataclass

from roundtable.accounts.models import User
from roundtable.circles.models import Circle
from roundtable.circles.services import circle_create
from roundtable.orgs.models import Member, Organization
from roundtable.orgs.services import member_create, organization_create
from roundtable.programs.models import Program
from roundtable.programs.services import program_create

PASSWORD = "correct-horse-battery"
PERSONA_NAMES = ("admin", "coordinator", "sponsor", "lead", "member", "outsider")


@dataclass
class Personas:
    organization: Organization
    program: Program
    circle: Circle
    other_circle: Circle
    members: dict[str, Member]

    def user(self, name: str) -> User:
        return self.members[name].user

    @property
    def admin(self) -> User:
        return self.user("admin")

    @property
    def coordinator(self) -> User:
        return self.user("coordinator")

    @property
    def sponsor(self) -> User:
        return self.user("sponsor")

    @property
    def lead(self) -> User:
        return self.user("lead")

    @property
    def member(self) -> User:
        return self.user("member")

    @property
    def outsider(self) -> User:
        return self.user("outsider")


def personas_create() -> Personas:
    org = organization_create(name="Acme Ltd", time_zone="Europe/London")
    other_org = organization_create(name="Elsewhere Inc", time_zone="America/New_York")

    def person(name: str, role: str = "member", organization: Organization = org) -> Member:
        return member_create(
            organization=organization,
            email=f"{name}@example.org",
            full_name=f"{name.capitalize()} Persona",
            role=role,
            password=PASSWORD,
            job_title="Account manager",
            department="Sales",
        )

    members = {
        "admin": person("admin", "admin"),
        "coordinator": person("coordinator", "coordinator"),
        "sponsor": person("sponsor"),
        "lead": person("lead"),
        "member": person("member"),
        "outsider": person("outsider", "admin", other_org),
    }
    peer = person("peer")
    program = program_create(
        organization=org,
        name="Customer retention circles",
        purpose="Share what works to win back lapsed customers.",
        sponsor=members["sponsor"],
        coordinators=[members["coordinator"]],
        start_date=org.created_at.date(),
        status=Program.Status.ACTIVE,
    )
    circle = circle_create(
        program=program,
        name="North",
        members=[members["lead"], members["member"]],
        lead=members["lead"],
    )
    other_circle = circle_create(program=program, name="South", members=[peer], lead=peer)
    return Personas(
        organization=org,
        program=program,
        circle=circle,
        other_circle=other_circle,
        members=members,
    )


@dataclass
class SecondProgram:
    """A second program of the personas' organisation with its own coordinator: the member is in
    its East circle too, and Dana takes part in this program only (she leads East)."""

    program: Program
    coordinator: Member
    east: Circle
    dana: Member


def second_program_create(personas: Personas) -> SecondProgram:
    org = personas.organization
    coordinator = member_create(
        organization=org, email="co2@example.org", full_name="Co Two", role="coordinator"
    )
    dana = member_create(organization=org, email="dana@example.org", full_name="Dana")
    program = program_create(
        organization=org,
        name="Onboarding circles",
        purpose="Welcome new engineers.",
        sponsor=personas.members["sponsor"],
        coordinators=[coordinator],
        start_date=org.created_at.date(),
        status=Program.Status.ACTIVE,
    )
    east = circle_create(
        program=program, name="East", members=[personas.members["member"], dana], lead=dana
    )
    return SecondProgram(program=program, coordinator=coordinator, east=east, dana=dana)

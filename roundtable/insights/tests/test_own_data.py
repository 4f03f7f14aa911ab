"""A member's own data: the page that says what is held and what is not, and the zip of JSON and
CSV. It holds the member's own words (their lead's private notes decrypted, for the lead who wrote
them) and nothing of anyone else's: no other person's private note about them, no anonymous
contribution, no token secret. Only the member gets it."""

from __future__ import annotations

import csv
import html
import io
import json
import zipfile
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.accounts.services import api_token_create
from roundtable.insights.tests import export_data as data
from roundtable.leadership.models import PeerNote
from roundtable.meetings.models import Attendance, Meeting
from roundtable.testing.personas import PERSONA_NAMES, Personas


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(data.NOW, tick=False):
        yield


@pytest.fixture
def planted(personas: Personas) -> data.Planted:
    return data.plant(personas)


def _client(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(personas.user(name))
    return client


def _zip(client: Client, org: str = "") -> zipfile.ZipFile:
    url = reverse("insights:my_data_download") + (f"?org={org}" if org else "")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "roundtable-my-data-acme-ltd-2027-03-01.zip" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def _everything(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


def test_the_zip_holds_json_csv_and_a_readme(personas: Personas, planted: data.Planted) -> None:
    archive = _zip(_client(personas, "member"))
    names = set(archive.namelist())
    assert {"README.txt", "roundtable-data.json", "csv/account.csv", "csv/profile.csv"} <= names
    assert {"csv/attendance.csv", "csv/commitments.csv", "csv/feedback.csv"} <= names
    found = json.loads(archive.read("roundtable-data.json"))
    assert found["account"]["email"] == "member@example.org"
    assert found["profile"]["hire_date"] == "2015-03-04"
    assert found["profile"]["manager"] == "Sponsor Persona"
    attendance = list(csv.DictReader(io.StringIO(archive.read("csv/attendance.csv").decode())))
    assert [(r["status"], r["recorded_by"]) for r in attendance] == [
        ("present", "Lead Persona"),
        ("absent", "Member Persona"),
    ]
    assert attendance[0]["starts_at"] == "2027-02-15T10:00+00:00"
    readme = archive.read("README.txt").decode()
    assert "What is not in it, and why" in readme
    assert "Anonymous ideas, critiques, meeting feedback and pulse answers" in readme


def test_the_zip_holds_what_the_member_wrote_and_was_given(
    personas: Personas, planted: data.Planted
) -> None:
    everything = _everything(_zip(_client(personas, "member")))
    for word in (
        data.NAMED_FEEDBACK,
        data.DECLINE,
        data.MOVE,
        data.BUSY,
        data.SHARED,
        data.RECOGNITION,
        "Call lapsed customers",  # their named idea
        "Called them all",  # their done note
    ):
        assert word in everything, word
    found = json.loads(_zip(_client(personas, "member")).read("roundtable-data.json"))
    history = [row["what"] for row in found["commitment_history"]]
    assert {"Taken on", "Date moved", "Declined", "Done"} <= set(history)
    assert [row["value"] for row in found["temperature_votes"]] == ["agree"]
    assert found["rsvps"][0]["response"] == "yes"
    assert found["calendar_feed"]
    assert "feed-token-of-the-member" not in _everything(_zip(_client(personas, "member")))


def test_nothing_anonymous_and_no_one_elses_private_note_is_in_it(
    personas: Personas, planted: data.Planted
) -> None:
    everything = _everything(_zip(_client(personas, "member")))
    for word in (
        data.ANON_FEEDBACK,
        data.ANON_IDEA,
        data.ANON_CRITIQUE,
        data.PULSE_COMMENT,
        data.PEER_NOTE,  # the lead's note about the member is the lead's
        data.PLAN,
        data.REFLECTION,
        data.HIDDEN_IDEA,
    ):
        assert word not in everything, word


def test_the_lead_gets_their_own_private_notes_decrypted_and_nothing_of_the_members(
    personas: Personas, planted: data.Planted
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT goals FROM {PeerNote._meta.db_table}")  # noqa: S608
        (raw,) = cursor.fetchone()
    assert data.PEER_NOTE not in raw  # encrypted at rest
    archive = _zip(_client(personas, "lead"))
    found = json.loads(archive.read("roundtable-data.json"))
    assert found["reflections"][0]["the_leader_i_want_to_be"] == data.REFLECTION
    assert found["peer_notes"][0]["goals"] == data.PEER_NOTE
    assert found["peer_notes"][0]["peer"] == "Member Persona"
    assert found["support_plans"][0]["next_step"] == data.PLAN
    assert found["support_plans"][0]["approach"] == "coach"
    everything = _everything(archive)
    assert data.PEER_NOTE in archive.read("csv/peer_notes.csv").decode()
    # The lead asked the member for a commitment: its title is theirs, the member's reasons are
    # the member's (the lead was told of the refusal by a notice, which is the lead's own).
    assert "Share the numbers" in everything
    for word in (data.MOVE, data.BUSY, data.SHARED, data.NAMED_FEEDBACK):
        assert word not in everything, word
    found.pop("notices")
    assert data.DECLINE not in json.dumps(found)


def test_api_tokens_appear_by_name_and_day_only(personas: Personas, planted: data.Planted) -> None:
    token, secret = api_token_create(user=personas.member, name="My spreadsheet")
    archive = _zip(_client(personas, "member"))
    found = json.loads(archive.read("roundtable-data.json"))
    assert found["api_tokens"] == [
        {
            "name": "My spreadsheet",
            "created_on": "2027-03-01",
            "last_used_on": None,
            "revoked_on": None,
        }
    ]
    everything = _everything(archive)
    assert secret not in everything
    assert token.token_hash not in everything
    assert token.prefix not in everything


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_everyone_gets_their_own_and_only_their_own(personas: Personas, name: str) -> None:
    client = _client(personas, name)
    page = client.get(reverse("insights:my_data"))
    assert page.status_code == 200
    me = personas.members[name]
    assert page.context["member"] == me
    archive = json.loads(_zip_any(client).read("roundtable-data.json"))
    assert archive["account"]["email"] == me.user.email


def _zip_any(client: Client) -> zipfile.ZipFile:
    response = client.get(reverse("insights:my_data_download"))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_another_organisation_is_not_found(personas: Personas) -> None:
    client = _client(personas, "outsider")
    for url in (reverse("insights:my_data"), reverse("insights:my_data_download")):
        assert client.get(url + "?org=acme-ltd").status_code == 404
        assert _client(personas, "member").get(url + "?org=elsewhere-inc").status_code == 404


def test_signed_out_people_are_sent_to_sign_in() -> None:
    for url in (reverse("insights:my_data"), reverse("insights:my_data_download")):
        response = Client().get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_page_says_what_is_held_and_what_is_not_and_why(
    personas: Personas, planted: data.Planted
) -> None:
    page = _client(personas, "member").get(reverse("insights:my_data"))
    text = html.unescape(page.content.decode())
    assert "Your attendance" in text
    assert "Anonymous ideas, critiques, meeting feedback and pulse answers" in text
    assert "Roundtable itself cannot find which ones are yours" in text
    assert "Other people's private notes about you" in text
    assert reverse("insights:my_data_download") + "?org=acme-ltd" in text


def test_the_profile_page_links_to_it(personas: Personas) -> None:
    page = _client(personas, "member").get(reverse("orgs:profile"))
    assert reverse("insights:my_data") + "?org=acme-ltd" in page.content.decode()


def test_the_download_takes_as_many_queries_for_much_data(
    personas: Personas, planted: data.Planted
) -> None:
    client = _client(personas, "member")
    url = reverse("insights:my_data_download")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    client.get(url)
    before = count()
    for n in range(10):
        meeting = Meeting.objects.create(
            circle=planted.circle, starts_at=data.NOW - (40 + n) * data.DAY
        )
        Attendance.objects.create(meeting=meeting, member=planted.member, status="present")
    assert count() == before

"""Deliberate bugs, applied one at a time, that the test suite must catch.

Each mutation replaces one exact piece of code (found exactly once, or the script stops: the list
has gone stale) and runs the tests that guard it; the mutation is caught when they fail. The file
is restored afterwards whatever happens. Run from the repository root:

    .venv/bin/python scripts/mutations.py            # every mutation, its guarding tests
    .venv/bin/python scripts/mutations.py --full     # every mutation, the whole suite (slow)
    .venv/bin/python scripts/mutations.py ics-dtend  # some mutations by name
    .venv/bin/python scripts/mutations.py --ci       # the privacy and security ones (CI)

It prints one line per mutation and exits non-zero if any mutation survived. `--jobs N` (default:
the number of cores) runs N mutations at once, each in its own copy of the working tree, so that no
two mutated files ever meet.
"""

from __future__ import annotations

import argparse
import ast
import os
import py_compile
import queue
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    name: str
    bug: str  # what a user would suffer
    path: str
    original: str
    mutated: str
    tests: tuple[str, ...]  # the likeliest catcher first: pytest -x stops at the first failure
    also: tuple[tuple[str, str], ...] = ()  # more (original, mutated) pieces in the same file

    def pieces(self) -> tuple[tuple[str, str], ...]:
        return ((self.original, self.mutated), *self.also)


MUTATIONS: tuple[Mutation, ...] = (
    Mutation(
        "policy-other-circle",
        "a member of one circle can open another circle of the same program",
        "roundtable/core/permissions.py",
        '"viewer_is_member": ("memberships__member_id__in", '
        '{"memberships__left_on__isnull": True}),',
        '"viewer_is_member": ("program__circles__memberships__member_id__in", {}),',
        (
            "roundtable/core/tests/test_permissions.py",
            "roundtable/core/tests",
            "tests/test_every_page_for_every_persona.py",
        ),
    ),
    Mutation(
        "withdraw-keeps-circles",
        "someone withdrawn from a program stays in its circles",
        "roundtable/circles/services.py",
        "        circle_remove_member(circle=circle, member=member, on=on)\n    return",
        "        pass\n    return",
        ("roundtable/programs/tests",),
    ),
    Mutation(
        "circle-members-per-row",
        "the program page runs one query per circle (slow for big programs)",
        "roundtable/circles/selectors.py",
        """        permissions.with_viewer_capacities(program.circles.all(), user)
        .select_related("program__organization", "lead__user")
        .prefetch_related(_current_members())""",
        """        permissions.with_viewer_capacities(program.circles.all(), user)
        .select_related("program__organization", "lead__user")""",
        ("roundtable/programs/tests/test_views.py",),
    ),
    Mutation(
        "recurrence-in-utc",
        "09:00 local becomes 08:00 or 10:00 after a daylight-saving change",
        "roundtable/timeslots/recurrence.py",
        "            placed = to_aware(local, tz)",
        "            placed = local.replace(tzinfo=dt.UTC).astimezone(tz)",
        ("roundtable/timeslots/tests", "roundtable/meetings/tests"),
    ),
    Mutation(
        "ics-dtend-as-dtstart",
        "calendar events end when they start",
        "roundtable/meetings/calendar.py",
        'f"DTEND;TZID={tzid}:{_local(ends_at, tzid)}",',
        'f"DTEND;TZID={tzid}:{_local(event.starts_at, tzid)}",',
        ("roundtable/meetings/tests",),
    ),
    Mutation(
        "vtimezone-offset",
        "calendar clients that read VTIMEZONE put New York summer meetings an hour off",
        "roundtable/meetings/calendar.py",
        "    return zone.to_ical().decode().rstrip(CRLF)",
        "    return zone.to_ical().decode().rstrip(CRLF)"
        '.replace("TZOFFSETTO:-0400", "TZOFFSETTO:-0500")',
        ("roundtable/meetings/tests",),
    ),
    Mutation(
        "move-reminder-old-time",
        "after a meeting moves, its reminder still comes a day before the old time",
        "roundtable/notifications/services.py",
        "        unsent.filter(kind=Notification.Kind.REMINDER)"
        ".update(due_at=_reminder_due(meeting, now))\n",
        "",
        ("roundtable/meetings/tests", "roundtable/notifications/tests"),
    ),
    Mutation(
        "change-ics-stale-sequence",
        "the .ics in a change notice has the old SEQUENCE, so calendars keep the old time",
        "roundtable/meetings/services/changes.py",
        "    meeting.change_reason = reason[:300]\n    meeting.sequence += 1\n"
        "    full_clean_or_raise(meeting)\n    meeting.save()\n"
        "    figures_changed(meeting.circle.program_id)\n"
        "    notifications_meeting_changed(meeting=meeting, now=now)\n    return meeting\n\n\n"
        "@transaction.atomic\ndef meeting_cancel(",
        "    meeting.change_reason = reason[:300]\n"
        "    full_clean_or_raise(meeting)\n    meeting.save()\n"
        "    figures_changed(meeting.circle.program_id)\n"
        "    notifications_meeting_changed(meeting=meeting, now=now)\n    return meeting\n\n\n"
        "@transaction.atomic\ndef meeting_cancel(",
        ("roundtable/meetings/tests", "roundtable/notifications/tests"),
    ),
    Mutation(
        "restore-without-reminders",
        "a meeting cancelled and then restored is never reminded",
        "roundtable/notifications/services.py",
        '        ).update(sent_at=None, skipped_reason="", claimed_at=None, claimed_by="")',
        "        )",
        ("roundtable/notifications/tests/test_services.py",),
    ),
    Mutation(
        "overtaken-notice-sent",
        "a cancellation notice still goes out after the meeting was restored",
        "roundtable/notifications/services.py",
        "        and notification.meeting_sequence < meeting.sequence\n",
        "        and notification.meeting_sequence < 0\n",
        ("roundtable/notifications/tests/test_services.py",),
    ),
    Mutation(
        "claim-always-succeeds",
        "two workers send the same reminder twice",
        "roundtable/notifications/services.py",
        "        .update(claimed_at=now, claimed_by=worker)\n        == 1\n",
        "        .update(claimed_at=now, claimed_by=worker)\n        >= 0\n",
        (
            "roundtable/notifications/tests/test_services.py::"
            "test_two_workers_cannot_both_claim_a_row",
            "roundtable/notifications/tests",
        ),
    ),
    Mutation(
        "mark-ignores-claim",
        "a worker whose claim was taken over marks the row anyway (the new owner's send is lost)",
        "roundtable/notifications/services.py",
        "    if mine.update(sent_at=now, skipped_reason=skipped) == 0:",
        "    if Notification.objects.filter(pk=pk)"
        ".update(sent_at=now, skipped_reason=skipped) == 0:",
        ("roundtable/notifications/tests",),
    ),
    Mutation(
        "message-id-per-attempt",
        "the resend after a killed worker gets a new Message-ID: people see the email twice",
        "roundtable/notifications/services.py",
        '    message.extra_headers["Message-ID"] = '
        "notification_message_id(notification=notification)",
        "    pass",
        ("roundtable/notifications/tests",),
    ),
    Mutation(
        "dead-worker-claims-wait",
        "after a worker is killed, the email it was sending waits for the claim timeout",
        "roundtable/notifications/services.py",
        "            _claims_of_dead_local_workers_release()\n",
        "",
        ("roundtable/notifications/tests/test_services.py",),
    ),
    Mutation(
        "tick-successor-last",
        "a worker killed during a tick stops every email for good (the next tick was never queued)",
        "roundtable/notifications/tasks.py",
        "    periodic_next(notifications_tick_task, every=TICK_EVERY)\n",
        "",
        ("roundtable/notifications/tests/test_tasks.py",),
        also=(
            (
                "    return notifications_send_due(worker=WORKER, seconds=SEND_FOR_SECONDS)",
                "    sent = notifications_send_due(worker=WORKER, seconds=SEND_FOR_SECONDS)\n"
                "    periodic_next(notifications_tick_task, every=TICK_EVERY)\n"
                "    return sent",
            ),
        ),
    ),
    Mutation(
        "periodic-fooled-by-running",
        "after a killed worker, start_periodic_tasks sees its RUNNING tick and queues nothing",
        "roundtable/meetings/tasks.py",
        'task_path=periodic_task.module_path, status="READY")',
        'task_path=periodic_task.module_path, status__in=["READY", "RUNNING"])',
        ("roundtable/meetings/tests/test_tasks.py",),
    ),
    Mutation(
        "reset-needs-a-password",
        "members imported without a password get no reset email and cannot get in",
        "roundtable/notifications/account_emails.py",
        "    users = User.objects.filter(email__iexact=email.strip(), is_active=True).exclude(",
        "    users = User.objects.filter(\n"
        '        email__iexact=email.strip(), is_active=True, password__startswith="md5"\n'
        "    ).exclude(",
        ("roundtable/accounts/tests/test_views.py",),
    ),
    Mutation(
        "rsvp-after-leaving",
        "someone who left the circle still answers for its meetings from an old email",
        "roundtable/meetings/rsvp.py",
        "    if not (still_in_circle and member.is_active and member.user.is_active):",
        "    if not (member.is_active and member.user.is_active):",
        ("roundtable/meetings/tests/test_rsvp.py", "roundtable/meetings/tests"),
    ),
    Mutation(
        "csv-import-half-a-file",
        "a CSV import that fails on a row leaves the rows before it imported",
        "roundtable/orgs/member_import/applying.py",
        "@transaction.atomic\ndef member_import_apply(",
        "def member_import_apply(",
        ("roundtable/orgs/tests",),
        also=(("@transaction.atomic\ndef members_write(", "def members_write("),),
    ),
    Mutation(
        "formation-ignores-pins",
        "people the coordinator pinned are moved when the rest is formed again",
        "roundtable/formation/units.py",
        "        pinned_to[u] = problem.start[p]\n        start[u] = problem.start[p]\n",
        "        start[u] = problem.start[p]\n",
        ("roundtable/formation/tests", "roundtable/circles/forming/tests"),
    ),
    Mutation(
        "anonymous-feedback-named",
        "anonymous feedback is stored with its author, who shows once the circle turns names on",
        "roundtable/meetings/services/feedback.py",
        "        member=None,\n        anonymous=True,\n",
        "        member=member,\n        anonymous=False,\n",
        ("roundtable/meetings/tests/test_anonymity.py", "roundtable/meetings/tests"),
    ),
    Mutation(
        "series-deletes-held-meeting",
        "a schedule change deletes a meeting with notes, replies or an announced UID",
        "roundtable/meetings/services/series_plan.py",
        "        elif holds.anything:\n",
        "        elif False:\n",
        ("roundtable/meetings/tests/test_schedules.py",),
    ),
    Mutation(
        "schedule-change-unconfirmed",
        "a schedule change cancels meetings without the preview being confirmed",
        "roundtable/meetings/services/schedules.py",
        "    if plan.changes and confirm != plan.token:\n",
        "    if False:\n",
        (
            "roundtable/meetings/tests/test_schedules.py",
            "roundtable/api/tests/test_meetings_api.py",
        ),
    ),
    Mutation(
        "series-cancel-loses-agenda",
        "the open agenda of a meeting a schedule change cancels is not carried to the next one",
        "roundtable/meetings/services/schedules.py",
        "        agenda_carry_over(meeting=change.meeting, now=now)\n",
        "        pass\n",
        ("roundtable/meetings/tests/test_schedules.py",),
    ),
    Mutation(
        "series-change-untold",
        "members reminded of a meeting a schedule change cancels are never told",
        "roundtable/meetings/services/schedules.py",
        "    for meeting in changed:\n"
        "        notifications_meeting_changed(meeting=meeting, now=now)\n",
        "",
        (
            "roundtable/meetings/tests/test_schedules.py",
            "roundtable/api/tests/test_meetings_api.py",
        ),
    ),
    Mutation(
        "dates-unbounded",
        "a first meeting, a move or a program dated 2100 is accepted",
        "roundtable/programs/services.py",
        "    if value > latest:\n",
        "    if False:\n",
        (
            "roundtable/programs/tests",
            "roundtable/meetings/tests/test_schedules.py",
            "roundtable/meetings/tests/test_changes.py",
        ),
    ),
    Mutation(
        "cancel-loses-agenda",
        "the open agenda items of a cancelled meeting are not carried to the next one",
        "roundtable/meetings/services/changes.py",
        "    figures_changed(meeting.circle.program_id)\n"
        "    agenda_carry_over(meeting=meeting, now=now)\n",
        "    figures_changed(meeting.circle.program_id)\n",
        ("roundtable/meetings/tests/test_changes.py",),
    ),
    Mutation(
        "restore-keeps-copies",
        "a restored meeting's items stay copied on the next meeting too, so they come up twice",
        "roundtable/meetings/services/changes.py",
        "    agenda_carry_over_undo(meeting=meeting, now=now)\n",
        "",
        ("roundtable/meetings/tests/test_changes.py",),
    ),
    Mutation(
        "text-keeps-nul",
        "a NUL or another control character in an API text is stored (PostgreSQL then fails)",
        "roundtable/core/text.py",
        "    if control:\n",
        "    if False:\n",
        ("roundtable/api/tests/test_input_strictness.py",),
    ),
    Mutation(
        "org-renames-shared-account",
        "an organisation renames a person whose account another organisation shares",
        "roundtable/orgs/services.py",
        "        if not by_self and account_shared_elsewhere(member=member):\n",
        "        if False:\n",
        ("roundtable/orgs/tests/test_views.py",),
    ),
    Mutation(
        "anonymous-notice-timed",
        "a notice an anonymous critique caused keeps its exact time, narrowing down who wrote it",
        "roundtable/notifications/notices.py",
        "        created_at=now if exact_time else None,\n",
        "        created_at=now,\n",
        ("roundtable/notifications/tests/test_notices.py",),
    ),
    Mutation(
        "digest-regathered",
        "the digest resent after a killed worker lists other notices under the same Message-ID",
        "roundtable/notifications/digest.py",
        "    if not listed.exists():\n",
        "    if True:\n",
        ("roundtable/notifications/tests/test_digest.py",),
    ),
    Mutation(
        "digest-in-utc",
        "the morning digest comes at 08:00 UTC: in the middle of the night in New York or Sydney",
        "roundtable/notifications/digest.py",
        "    local = now.astimezone(zone)\n",
        "    local = now.astimezone(dt.UTC)\n",
        ("roundtable/notifications/tests/test_digest.py",),
    ),
    Mutation(
        "next-lead-reads-old-notes",
        "a new lead reads the previous lead's private note on a peer",
        "roundtable/leadership/selectors/peers.py",
        'mine = {"author": lead, "circle": circle, "peer": peer}',
        'mine = {"circle": circle, "peer": peer}',
        (
            "roundtable/leadership/tests/test_private_privacy.py::"
            "test_the_next_lead_starts_blank_and_the_former_lead_reads_only",
        ),
    ),
    Mutation(
        "private-note-any-reader",
        "another person's API token reads a lead's support plan",
        "roundtable/api/routers/leadership/notes.py",
        "return model.objects.filter(author_id__in=ids)",
        "return model.objects.filter(circle__program__organization__members__in=ids)",
        (
            "roundtable/api/tests/test_leadership_api.py::test_no_other_token_reaches_the_leads_notes",
        ),
    ),
    Mutation(
        "agreement-old-version-ack",
        "a member agrees to an old version of the working agreement and counts as agreeing now",
        "roundtable/leadership/services/agreements.py",
        "if number != latest.number:",
        "if number > latest.number:",
        ("roundtable/leadership/tests/test_agreement_services.py",),
    ),
    Mutation(
        "private-text-in-clear",
        "a database dump shows a lead's reflections and notes in clear",
        "roundtable/core/crypto.py",
        "return encrypt(str(value))",
        "return str(value)",
        (
            "roundtable/leadership/tests/test_private_privacy.py::"
            "test_the_raw_database_holds_none_of_the_words_in_clear",
            "roundtable/core/tests/test_crypto.py",
        ),
        also=(("return decrypt(value)", "return value"),),
    ),
    Mutation(
        "pulse-under-three-shown",
        "a circle's pulse shows its averages and comments when one or two members answered",
        "roundtable/insights/selectors/pulses.py",
        "if got is None or count < PULSE_MIN_ANSWERS or is_open:",
        "if got is None or is_open:",
        (
            "roundtable/insights/tests/test_pulse_selectors.py",
            "roundtable/api/tests/test_insights_pulses_api.py",
        ),
    ),
    Mutation(
        "pulse-open-period-shown",
        "a pulse's averages show while the period is open, so the next answer can be read off",
        "roundtable/insights/selectors/pulses.py",
        "if got is None or count < PULSE_MIN_ANSWERS or is_open:",
        "if got is None or count < PULSE_MIN_ANSWERS:",
        ("roundtable/insights/tests/test_pulse_selectors.py",),
    ),
    Mutation(
        "pulse-answered-twice",
        "a member answers the same period's pulse twice and weighs double",
        "roundtable/insights/models.py",
        'return receipt_digest(f"{cls.SCOPE}:{circle_id}:{period_start.isoformat()}", member_id)',
        'return receipt_digest(f"{cls.SCOPE}:{circle_id}:{random_id()}", member_id)',
        ("roundtable/insights/tests/test_pulse_services.py",),
    ),
    Mutation(
        "dashboard-for-members",
        "any member of a program reads every circle's health and flags",
        "roundtable/core/permissions.py",
        "    return can_view_program_overview(user, program)\n\n\ndef can_set_pulse_schedule",
        "    return can_view_program(user, program)\n\n\ndef can_set_pulse_schedule",
        ("roundtable/insights/tests/test_dashboard.py",),
    ),
    Mutation(
        "erase-last-admin",
        "an admin erases the organisation's last admin and nobody can run it any more",
        "roundtable/insights/services/erasure.py",
        "        if not others:\n",
        "        if others is None:\n",
        ("roundtable/insights/tests/test_erasure.py",),
    ),
)

# CI runs these (who may read or change what, anonymity, encryption, what is lost or sent twice)
# within its 15 minutes; `make mutations` runs the whole list before each submission.
CI_MUTATIONS = frozenset(
    {
        "policy-other-circle",
        "rsvp-after-leaving",
        "anonymous-feedback-named",
        "anonymous-notice-timed",
        "org-renames-shared-account",
        "claim-always-succeeds",
        "next-lead-reads-old-notes",
        "private-note-any-reader",
        "private-text-in-clear",
        "pulse-under-three-shown",
        "pulse-answered-twice",
    }
)


def tree_copy(dest: Path) -> Path:
    """The working tree as it is (tracked and untracked files, not the ignored ones), copied to
    `dest`; front-end packages are linked, not copied."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    if (ROOT / "node_modules").exists():
        (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest


def migration_sources() -> set[str]:
    """The files that decide what migrating builds: every migration and each project module a
    migration imports."""
    sources = set()
    for migration in ROOT.glob("roundtable/*/migrations/*.py"):
        sources.add(str(migration.relative_to(ROOT)))
        for node in ast.walk(ast.parse(migration.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("roundtable."):
                    module = Path(*name.split("."))
                    package = module / "__init__.py"
                    sources.add(str(package if (ROOT / package).exists() else f"{module}.py"))
    return sources


def apply_and_test(
    mutation: Mutation, *, full: bool, root: Path = ROOT, template: Path | None = None
) -> tuple[bool, float, str]:
    """(caught, seconds, how it was caught or why not), the tree at `root` mutated meanwhile.
    `template`: where the migrated test database is kept between runs (roundtable/testing/
    migrated_db.py), for a mutation that cannot change what migrating builds."""
    path = root / mutation.path
    source = mutated = path.read_text(encoding="utf-8")
    for original, replacement in mutation.pieces():
        found = source.count(original)
        if found != 1:
            raise SystemExit(
                f"{mutation.name}: the code to mutate is in {mutation.path} {found} times, not "
                "once; update the mutation list."
            )
        mutated = mutated.replace(original, replacement)
    start = time.monotonic()
    try:
        path.write_text(mutated, encoding="utf-8")
        if path.suffix == ".py":  # a syntax error would be caught trivially
            py_compile.compile(str(path), doraise=True)
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
        ]
        command += [] if full else list(mutation.tests)
        env = dict(os.environ)
        env.pop("ROUNDTABLE_TEST_DB_TEMPLATE", None)
        if template is not None and mutation.path not in migration_sources():
            env["ROUNDTABLE_TEST_DB_TEMPLATE"] = str(template)
        run = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            command, cwd=root, env=env, capture_output=True, text=True, timeout=900, check=False
        )
    finally:
        path.write_text(source, encoding="utf-8")
    lines = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
    summary = lines[0].removeprefix("FAILED ") if lines else run.stdout.strip().splitlines()[-1]
    return run.returncode != 0, time.monotonic() - start, summary.split(" - ")[0][:150]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these mutations")
    parser.add_argument("--full", action="store_true", help="run the whole suite each time")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    parser.add_argument(
        "--ci", action="store_true", help="only the privacy and security mutations (CI's share)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="mutations run at once, each in its own copy of the tree (default: the cores)",
    )
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.names or m.name in args.names]
    if args.ci:
        chosen = [m for m in chosen if m.name in CI_MUTATIONS]
    unknown = set(args.names) - {m.name for m in MUTATIONS}
    if unknown:
        parser.error(f"unknown mutation(s): {', '.join(sorted(unknown))}")
    if args.list:
        for m in chosen:
            print(f"{m.name:<28} {m.path}\n{'':<28} {m.bug}")
        return 0
    jobs = max(1, min(args.jobs, len(chosen)))
    survived = 0
    with tempfile.TemporaryDirectory(prefix="mutations-") as scratch:
        # The runs migrate the test database once (the first to get there) and copy it after.
        template = Path(scratch) / "migrated.sqlite3"
        roots: queue.Queue[Path] = queue.Queue()
        for n in range(jobs):  # one tree per job: a mutated file is only ever seen by its job
            roots.put(ROOT if jobs == 1 else tree_copy(Path(scratch) / str(n)))

        def run(m: Mutation) -> tuple[Mutation, bool, float, str]:
            root = roots.get()
            try:
                return (m, *apply_and_test(m, full=args.full, root=root, template=template))
            finally:
                roots.put(root)

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for m, caught, seconds, summary in pool.map(run, chosen):
                survived += not caught
                verdict = "caught  " if caught else "SURVIVED"
                print(f"{verdict} {m.name:<28} {seconds:5.1f} s  {summary}", flush=True)
    print(f"{len(chosen) - survived} of {len(chosen)} mutations caught.")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())

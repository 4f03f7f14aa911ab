"""Writes for meetings, one module per responsibility: `schedules` (the series, planned by
`series_plan`), `changes` (move, cancel, restore), `agenda`, `notes`, `attendance` (and replies),
`feedback`, `calendar_feeds`, `rotation` (who runs each meeting). The public functions are
gathered here so a caller may write `services.meeting_move(...)`."""

from roundtable.meetings.services.agenda import (
    agenda_carry_over,
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_set_done,
    agenda_item_update,
    agenda_template_set,
)
from roundtable.meetings.services.attendance import (
    attendance_choices,
    attendance_record,
    attendance_set,
    rsvp_set,
)
from roundtable.meetings.services.calendar_feeds import calendar_feed_reset
from roundtable.meetings.services.changes import meeting_cancel, meeting_move, meeting_restore
from roundtable.meetings.services.feedback import FeedbackAnswer, feedback_give, feedback_give_many
from roundtable.meetings.services.notes import NotesConflict, meeting_notes_save
from roundtable.meetings.services.rotation import (
    meeting_step_back,
    meeting_volunteer,
    rotation_assign,
    rotation_reorder,
    rotation_set,
)
from roundtable.meetings.services.schedules import (
    HORIZON,
    meetings_materialise,
    meetings_roll_forward,
    schedule_change_preview,
    schedule_set,
)

__all__ = [
    "HORIZON",
    "FeedbackAnswer",
    "NotesConflict",
    "agenda_carry_over",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_remove",
    "agenda_item_set_done",
    "agenda_item_update",
    "agenda_template_set",
    "attendance_choices",
    "attendance_record",
    "attendance_set",
    "calendar_feed_reset",
    "feedback_give",
    "feedback_give_many",
    "meeting_cancel",
    "meeting_move",
    "meeting_notes_save",
    "meeting_restore",
    "meeting_step_back",
    "meeting_volunteer",
    "meetings_materialise",
    "meetings_roll_forward",
    "rotation_assign",
    "rotation_reorder",
    "rotation_set",
    "rsvp_set",
    "schedule_change_preview",
    "schedule_set",
]

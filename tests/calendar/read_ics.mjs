// Reads .ics files as two JavaScript calendar parsers do and prints what each sees, as JSON, so
// the Python tests can compare it with the meetings in the database:
// ical.js (inside Mozilla Thunderbird and many web calendars), which places times with the file's
// own VTIMEZONE blocks, and node-ical (many Node calendar apps), which reads TZID as a zone name.
//
// Usage: node tests/calendar/read_ics.mjs FILE.ics [FILE.ics ...]
// Output: {"FILE.ics": {"ical.js": {"method": ..., "events": [...]}, "node-ical": {...}}, ...}
// Each event: uid, start and end (UTC, ISO 8601), sequence (a number) and status.
import { readFileSync } from "node:fs";

import ICAL from "ical.js";
import nodeIcal from "node-ical";

function readWithIcalJs(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    const instant = (time) => time.toJSDate().toISOString();
    return {
      uid: event.uid,
      start: instant(event.startDate),
      end: instant(event.endDate),
      // A zone ical.js could not find in the file would be read as floating (UTC here): say so.
      tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
    };
  });
  return { method: calendar.getFirstPropertyValue("method"), events };
}

function readWithNodeIcal(text) {
  const data = nodeIcal.sync.parseICS(text);
  const events = Object.values(data)
    .filter((item) => item.type === "VEVENT")
    .map((event) => ({
      uid: event.uid,
      start: event.start.toISOString(),
      end: event.end.toISOString(),
      tzid: event.start.tz ?? null,
      sequence: Number(event.sequence),
      status: event.status ?? null,
    }));
  return { method: data.vcalendar ? (data.vcalendar.method ?? null) : null, events };
}

const result = {};
for (const path of process.argv.slice(2)) {
  const text = readFileSync(path, "utf8");
  result[path] = { "ical.js": readWithIcalJs(text), "node-ical": readWithNodeIcal(text) };
}
process.stdout.write(JSON.stringify(result));

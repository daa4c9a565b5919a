/**
 * Deploy windows: when a deployment may take steps (rollout steps, migration waves), as weekly periods in
 * a named time zone, e.g. `Mon-Thu 09:00-16:00 Europe/Berlin`. Evaluated with the platform's time-zone data
 * (Intl), so daylight saving is that zone's own; the worker evaluates them in an activity, never in
 * workflow code.
 */
import { z } from 'zod';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
export const MAX_WINDOWS = 20;

const WINDOW_PATTERN = /^([A-Za-z,-]+) (\d{2}):(\d{2})-(\d{2}):(\d{2}) (\S+)$/;

export interface DeployWindow {
  /** 0 = Sunday … 6 = Saturday, in the window's zone. */
  days: number[];
  /** Minutes after local midnight: [start, end). */
  startMinute: number;
  endMinute: number;
  timeZone: string;
}

function dayIndex(name: string): number {
  const index = DAYS.findIndex(day => day.toLowerCase() === name.toLowerCase());
  if (index < 0) throw new Error(`${JSON.stringify(name)} is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)`);
  return index;
}

/** `Mon-Thu`, `Sat`, `Mon,Wed,Fri`, `Mon-Wed,Fri`: a range wraps over the weekend (`Fri-Mon`). */
function parseDays(text: string): number[] {
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [from, to, ...rest] = part.split('-');
    if (rest.length > 0 || from === '') throw new Error(`${JSON.stringify(part)} is not a day or a range of days`);
    const first = dayIndex(from);
    const last = to === undefined ? first : dayIndex(to);
    for (let day = first; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }
  return [...days].sort();
}

function isTimeZone(zone: string): boolean {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone.length > 0;
  } catch {
    return false;
  }
}

/** A window from its text, or throws naming what is wrong. */
export function parseDeployWindow(text: string): DeployWindow {
  const match = WINDOW_PATTERN.exec(text.trim());
  if (!match) throw new Error('must look like "Mon-Thu 09:00-16:00 Europe/Berlin" (days, a time range, a time zone)');
  const [, days, startHour, startMinute, endHour, endMinute, timeZone] = match;
  const start = Number(startHour) * 60 + Number(startMinute);
  const end = Number(endHour) * 60 + Number(endMinute);
  if (Number(startMinute) > 59 || Number(endMinute) > 59 || start > 24 * 60 || end > 24 * 60) {
    throw new Error('times must be from 00:00 to 24:00');
  }
  if (end <= start) throw new Error('the end must be after the start on the same day (use two windows to span midnight)');
  if (!isTimeZone(timeZone)) throw new Error(`${JSON.stringify(timeZone)} is not a time zone (use an IANA name such as Europe/Berlin, or UTC)`);
  return { days: parseDays(days), startMinute: start, endMinute: end, timeZone };
}

export const deployWindowsSchema = z
  .array(
    z.string().max(100, 'must be at most 100 characters').superRefine((text, ctx) => {
      try {
        parseDeployWindow(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  )
  .max(MAX_WINDOWS, `must have at most ${MAX_WINDOWS} windows`);

const formatters = new Map<string, Intl.DateTimeFormat>();
function localTime(atMs: number, timeZone: string): { day: number; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(atMs)).map(part => [part.type, part.value]));
  return { day: dayIndex(parts.weekday), minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

function openAt(windows: DeployWindow[], atMs: number): boolean {
  return windows.some(window => {
    const { day, minute } = localTime(atMs, window.timeZone);
    return window.days.includes(day) && minute >= window.startMinute && minute < window.endMinute;
  });
}

const MINUTE_MS = 60_000;
/** How far ahead the next change is looked for: past a week every weekly window has opened and closed. */
const HORIZON_MS = 8 * 24 * 60 * MINUTE_MS;

export interface WindowState {
  open: boolean;
  /** When it next opens (closed) or closes (open), ISO; absent when it never changes (no windows). */
  changesAt?: string;
}

/**
 * Whether a deployment may take steps at `atMs`, and when that changes. No windows: always open. Windows
 * are minute-precise, so the change is found minute by minute (at most a week and a day ahead).
 */
export function deployWindowState(texts: readonly string[] | undefined, atMs: number): WindowState {
  if (!texts || texts.length === 0) return { open: true };
  const windows = texts.map(parseDeployWindow);
  const open = openAt(windows, atMs);
  for (let at = Math.floor(atMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS; at <= atMs + HORIZON_MS; at += MINUTE_MS) {
    if (openAt(windows, at) !== open) return { open, changesAt: new Date(at).toISOString() };
  }
  return { open };
}

/** The command line: its options, and the values that need more than a string (a schedule, a percentage). */
import { parseArgs } from 'node:util';
import { RolloutStep, scheduleSchema, versionIdSchema } from '@diachronic/contract';

/** Bad usage: exit code 1, with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Every option of every command; each command says which of them it takes (`commands.ts`). */
export const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  family: { type: 'string' },
  version: { type: 'string' },
  reason: { type: 'string' },
  sha: { type: 'string' },
  rollback: { type: 'boolean' },
  dark: { type: 'boolean' },
  migratory: { type: 'boolean' },
  schedule: { type: 'string' },
  until: { type: 'string' },
  owner: { type: 'string' },
  phase: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  interval: { type: 'string' },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** How each option reads in the usage: its argument and what it is. */
export const OPTION_HELP: Record<OptionName, [argument: string, help: string]> = {
  url: ['<url>', 'the Backstage backend, e.g. http://localhost:7007 (default $DIACHRONIC_URL)'],
  token: ['<token>', 'a Backstage token, sent as a Bearer token (default $DIACHRONIC_TOKEN)'],
  json: ['', "print the backend's JSON answer instead (watch: one line per change)"],
  help: ['', 'this help'],
  family: ['<family>', "one of the entity's families (needed when it owns several)"],
  version: ['<versionId>', "the deployment's version (controls: default the family's running one)"],
  reason: ['<text>', 'why, recorded with the action'],
  sha: ['<sha>', 'the full commit sha the version was built from'],
  rollback: ['', 'deploy a version retired before again, as a new seq'],
  dark: ['', 'wait in dark (test traffic only) until promoted'],
  migratory: ['', "the family's workflows migrate (--no-migratory: they do not); default: the backend's config"],
  schedule: ['<steps>', 'rollout steps <percent>[:<hold>], e.g. 20:5m,50:10m,100 (hold in ms, s, m or h)'],
  until: ['<time>', 'when the freeze ends by itself (ISO time, e.g. 2026-12-24T18:00:00Z)'],
  owner: ['<owner>', 'only families of this owner (group:default/payments or payments)'],
  phase: ['<phases>', 'only families whose latest deployment is in one of these phases (comma-separated)'],
  limit: ['<n>', 'families per page (1-1000, default 100)'],
  cursor: ['<cursor>', 'the next page, as the previous page named it'],
  interval: ['<seconds>', 'seconds between looks (default 2)'],
};

export type OptionValues = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; allowNegative: true }>>['values'];

export interface CommandLine {
  /** The first positional argument. */
  command?: string;
  /** The positional arguments after the command. */
  args: string[];
  values: OptionValues;
  /** The options given, by name (`--no-migratory` is `migratory`). */
  given: OptionName[];
}

export function parseCommandLine(argv: string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, allowNegative: true, strict: true, tokens: true });
  } catch (error) {
    // node:util's own words: "Unknown option '--frobnicate'", "Option '--url <value>' argument missing".
    throw new UsageError((error as Error).message.split('. ')[0]);
  }
  const given = [...new Set(parsed.tokens.flatMap(token => (token.kind === 'option' ? [token.name as OptionName] : [])))];
  const [command, ...args] = parsed.positionals;
  return { command, args, values: parsed.values, given };
}

const HOLD_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `20:5m,50:10m,100`: each step's live percentage and how long it holds (the last needs no hold), checked as the backend checks it. */
export function parseSchedule(text: string): RolloutStep[] {
  const steps = text.split(',').map(step => {
    const match = /^\s*(\d{1,3})\s*(?::\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*)?$/.exec(step);
    if (!match) throw new UsageError(`--schedule: ${JSON.stringify(step)} is not <percent>[:<hold>], e.g. 20:5m`);
    return { percent: Number(match[1]), pauseMs: match[2] ? Math.round(Number(match[2]) * HOLD_UNITS[match[3]]) : 0 };
  });
  const parsed = scheduleSchema.safeParse(steps);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const step = typeof issue.path[0] === 'number' ? ` step ${issue.path[0] + 1}` : '';
    throw new UsageError(`--schedule${step}: ${issue.message}`);
  }
  return parsed.data;
}

/** A version id (a short or full git sha), checked as the backend checks it. */
export function parseVersionId(text: string, what: string): string {
  const parsed = versionIdSchema.safeParse(text);
  if (!parsed.success) throw new UsageError(`${what}: ${parsed.error.issues[0].message}, got ${JSON.stringify(text)}`);
  return parsed.data;
}

/** A whole number from `min` to `max` given as an option or argument. */
export function parseWholeNumber(text: string, what: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value < min || value > max) {
    throw new UsageError(`${what}: must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A positive number of seconds (fractions allowed) as milliseconds. */
export function parseSeconds(text: string, what: string, minSeconds: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < minSeconds) throw new UsageError(`${what}: must be at least ${minSeconds} seconds, got ${JSON.stringify(text)}`);
  return Math.round(value * 1000);
}

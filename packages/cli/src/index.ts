/**
 * `diachronic`: list, watch and steer Diachronic deployments from a terminal, through the Backstage
 * backend's API. Exit codes: 0 done, 2 refused by the backend (the reason on stderr), 1 any other error.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import {
  ControlAction,
  FamilyView,
  StartDeploymentResponse,
  isTerminalPhase,
} from '@diachronic/backstage-plugin-diachronic-common';
import { DiachronicClient, RefusedError } from './client';
import { deploymentLine, formatDeployment, formatFamily, formatList, idleLine } from './format';
import { Target, resolveTarget } from './target';

export const USAGE = `Usage: diachronic <command> [arguments] [options]

Commands:
  list                                   families, their latest deployment and queue
  status <entity|family>                 the families' running deployments, queues and problems
  watch <entity|family>                  the same, live, until the running deployments end
  start <entity|family> --version <sha> [--family F] [--sha S] [--dark] [--migratory] [--rollback]
        [--schedule 20:5m,50:10m,100] [--reason R]
  promote <entity|family> [--version V] [--reason R]
  override <entity|family> <percent> --reason R [--version V]
  pause|resume <entity|family> [--version V] [--reason R]
  abort <entity|family> --reason R [--version V]
  freeze <entity|family> --reason R [--until ISO-time]
  unfreeze <entity|family> [--reason R]

<entity> is a catalog entity ref (component:default/orders; kind component and namespace default when
left out: orders is a family name then, default/orders or component:orders an entity). A family is
found through the catalog. Controls act on the family's running deployment unless --version names one.

Options:
  --url <url>      the Backstage backend (default $DIACHRONIC_URL, else http://localhost:7007)
  --token <token>  a Backstage token, user or static (default $DIACHRONIC_TOKEN); controls need a user's
  --json           print the backend's JSON answer instead
  --interval <s>   watch: seconds between looks (default 2)

Exit codes: 0 done, 2 refused by the backend (reason on stderr), 1 any other error.`;

interface Io {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

class UsageError extends Error {}

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  interval: { type: 'string' },
  family: { type: 'string' },
  version: { type: 'string' },
  sha: { type: 'string' },
  reason: { type: 'string' },
  until: { type: 'string' },
  dark: { type: 'boolean' },
  migratory: { type: 'boolean' },
  rollback: { type: 'boolean' },
  schedule: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

export async function main(argv: string[], io: Io): Promise<number> {
  const print = (text: string) => io.stdout.write(`${text}\n`);
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    const [command, ...rest] = positionals;
    if (values.help || !command) {
      print(USAGE);
      return values.help ? 0 : 1;
    }
    const client = new DiachronicClient(values.url ?? io.env.DIACHRONIC_URL ?? 'http://localhost:7007', values.token ?? io.env.DIACHRONIC_TOKEN);
    const output = (json: unknown, human: string) => print(values.json ? JSON.stringify(json, null, 2) : human);
    await run(command, rest, values, client, output, io);
    return 0;
  } catch (error) {
    if (error instanceof RefusedError) {
      io.stderr.write(`refused (${error.status}): ${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
      return 1;
    }
    io.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}

function one(rest: string[], what: string): string {
  if (rest.length === 0) throw new UsageError(`missing ${what}`);
  return rest[0];
}

function required(value: string | undefined, option: string): string {
  if (!value) throw new UsageError(`--${option} is required`);
  return value;
}

const CONTROLS: Record<string, Exclude<ControlAction, 'cancel'>> = {
  promote: 'promote',
  override: 'override',
  pause: 'pause',
  resume: 'resume',
  abort: 'abort',
};

async function run(
  command: string,
  rest: string[],
  values: Values,
  client: DiachronicClient,
  output: (json: unknown, human: string) => void,
  io: Io,
): Promise<void> {
  if (command === 'list') {
    const list = await client.listDeployments();
    output(list, formatList(list));
    return;
  }
  if (command === 'status') {
    const target = await resolveTarget(client, one(rest, '<entity|family>'), values.family);
    const families = await familiesOf(client, target);
    output(families, families.map(formatFamily).join('\n\n'));
    return;
  }
  if (command === 'watch') {
    const target = await resolveTarget(client, one(rest, '<entity|family>'), values.family);
    await watch(client, target, Number(values.interval ?? 2), values.json ?? false, io);
    return;
  }
  if (command === 'start') {
    const versionId = required(values.version, 'version');
    const schedule = values.schedule ? parseSchedule(values.schedule) : undefined;
    const target = await resolveTarget(client, one(rest, '<entity|family>'), values.family);
    const started = await client.start(target.entity, {
      family: requireFamily(target),
      versionId,
      ...(values.sha && { sha: values.sha }),
      ...(values.dark && { dark: true }),
      ...(values.migratory !== undefined && { migratory: values.migratory }),
      ...(values.rollback && { rollback: true }),
      ...(schedule && { schedule }),
      ...(values.reason && { reason: values.reason }),
    });
    output(started, describeStart(started));
    return;
  }
  if (command === 'freeze' || command === 'unfreeze') {
    const target = await resolveTarget(client, one(rest, '<entity|family>'), values.family);
    const body = { ...(target.family && { family: target.family }), ...(values.reason && { reason: values.reason }) };
    const answer =
      command === 'freeze'
        ? await client.freeze(target.entity, { ...body, reason: required(values.reason, 'reason'), ...(values.until && { until: values.until }) })
        : await client.unfreeze(target.entity, body);
    output(answer, `${command === 'freeze' ? 'frozen' : 'unfrozen'}: ${target.family ?? `every family of ${target.entityRef}`}`);
    return;
  }
  const action = CONTROLS[command];
  if (!action) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const target = await resolveTarget(client, one(rest, '<entity|family>'), values.family);
  const family = requireFamily(target);
  const versionId = values.version ?? (await runningVersion(client, target, family));
  const body: { reason?: string; percent?: number } = { ...(values.reason && { reason: values.reason }) };
  if (action === 'override') {
    const percent = Number(one(rest.slice(1), '<percent>'));
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new UsageError('<percent> must be a whole number from 0 to 100');
    body.percent = percent;
  }
  const state = await client.control(target.entity, family, versionId, action, body);
  output(state, formatDeployment(state));
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `20:5m,50:10m,100`: each step's live percentage and how long it holds (the last one needs none). */
export function parseSchedule(text: string): Array<{ percent: number; pauseMs: number }> {
  return text.split(',').map(step => {
    const match = /^\s*(\d{1,3})\s*(?::\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*)?$/.exec(step);
    if (!match) throw new UsageError(`--schedule: ${JSON.stringify(step)} is not <percent>[:<duration>], e.g. 20:5m`);
    return { percent: Number(match[1]), pauseMs: match[2] ? Math.round(Number(match[2]) * DURATION_UNITS[match[3]]) : 0 };
  });
}

function describeStart(started: StartDeploymentResponse): string {
  if (started.outcome === 'started') return `started ${started.workflowId}`;
  if (started.outcome === 'queued') return `queued at position ${started.position}${started.reason ? `: ${started.reason}` : ''}`;
  return `duplicate: ${started.message}`;
}

function requireFamily(target: Target): string {
  if (!target.family) {
    throw new UsageError(`${target.entityRef} names several families (${target.families.join(', ')}): say which with --family`);
  }
  return target.family;
}

async function familiesOf(client: DiachronicClient, target: Target): Promise<FamilyView[]> {
  const { families } = await client.entityFamilies(target.entity);
  return target.family ? families.filter(view => view.family === target.family) : families;
}

async function runningVersion(client: DiachronicClient, target: Target, family: string): Promise<string> {
  const [view] = await familiesOf(client, { ...target, family });
  const running = view?.deployment && !isTerminalPhase(view.deployment.phase) ? view.deployment : undefined;
  if (!running) throw new RefusedError(404, `no deployment of ${family} is running; name one with --version`);
  return running.request.versionId;
}

async function watch(client: DiachronicClient, target: Target, intervalS: number, json: boolean, io: Io): Promise<void> {
  if (!(intervalS >= 0.2)) throw new UsageError('--interval must be at least 0.2 seconds');
  const tty = !json && io.stdout.isTTY === true;
  let drawn = 0;
  let stop = false;
  const interrupt = () => {
    stop = true;
  };
  process.once('SIGINT', interrupt);
  try {
    for (;;) {
      const families = await familiesOf(client, target);
      const lines = families.map(view =>
        view.deployment ? deploymentLine(view.deployment) : idleLine(view),
      );
      if (json) {
        io.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), families: families.map(({ family, deployment, queue }) => ({ family, deployment, queue })) })}\n`);
      } else {
        // On a terminal the lines are drawn over the previous look; piped, each look is printed once.
        if (tty && drawn > 0) io.stdout.write(`\x1b[${drawn}A\x1b[0J`);
        io.stdout.write(`${lines.join('\n')}\n`);
        drawn = lines.length;
      }
      const moving = families.some(view => view.queue.length > 0 || (view.deployment && !isTerminalPhase(view.deployment.phase)));
      if (!moving || stop) return;
      await new Promise(resolve => setTimeout(resolve, intervalS * 1000));
      if (stop) return;
    }
  } finally {
    process.off('SIGINT', interrupt);
  }
}

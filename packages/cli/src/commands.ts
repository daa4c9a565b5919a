/** The commands: what each takes, and the request it makes. */
import { ControlAction, controlActions, isTerminalPhase, publishedPhases } from '@diachronic/contract';
import {
  DeploymentListQuery,
  controlBodySchemas,
  describeIssues,
  freezeBodySchema,
  startDeploymentBodySchema,
  unfreezeBodySchema,
} from '@diachronic/backstage-plugin-diachronic-common';
import { OptionName, OptionValues, UsageError, parseSchedule, parseVersionId, parseWholeNumber } from './args';
import { DiachronicClient, RefusedError } from './client';
import { formatControl, formatFreeze, formatList, formatStart, formatStatus } from './format';
import { Target, familyViews, oneFamily, resolveTarget } from './target';
import { watch } from './watch';

export interface CommandContext {
  client: DiachronicClient;
  values: OptionValues;
  /** The positional arguments after the command. */
  args: string[];
  /** Prints the backend's answer as JSON with --json, else the text for people. */
  answer(json: unknown, text: string): void;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  /** Ctrl-C. */
  signal?: AbortSignal;
}

export interface Command {
  /** The positional arguments, as the usage shows them. */
  args: string;
  summary: string;
  /** The options it takes besides the global ones. */
  options: OptionName[];
  run(context: CommandContext): Promise<void>;
}

/** The options every command takes. */
export const GLOBAL_OPTIONS: OptionName[] = ['url', 'token', 'json', 'help'];

/** The request bodies' fields, as the command line names them. */
const FIELD_OPTIONS: Record<string, string> = { versionId: '--version', percent: '<percent>' };

/** Checks a request body as the backend will; what it refuses is bad usage, named as the command line names it. */
function checked<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: Parameters<typeof describeIssues>[0] } }, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new UsageError(
    describeIssues(parsed.error).replace(/(^|; )(\w+)(?=[.:])/g, (_, separator: string, field: string) => `${separator}${FIELD_OPTIONS[field] ?? `--${field}`}`),
  );
}

/** The positional arguments after the command: the named ones required, `optional` more allowed. */
function positionals(context: CommandContext, names: string[], optional = 0): string[] {
  const { args } = context;
  if (args.length < names.length) throw new UsageError(`missing ${names.slice(args.length).join(' ')}`);
  if (args.length > names.length + optional) throw new UsageError(`unexpected argument ${JSON.stringify(args[names.length + optional])}`);
  return args;
}

async function target(context: CommandContext): Promise<Target> {
  const [name] = positionals(context, ['<entity|family>']);
  return resolveTarget(context.client, name, context.values.family);
}

/** The version a control acts on: the one named, else the family's running deployment. */
async function controlledVersion(
  client: DiachronicClient,
  at: Target,
  versionId: string | undefined,
): Promise<{ family: string; versionId: string }> {
  const { family, view } = await oneFamily(client, at);
  if (versionId) return { family, versionId };
  const [current] = view ? [view] : (await familyViews(client, { ...at, family })).families;
  const running = current.deployment && !isTerminalPhase(current.deployment.phase) ? current.deployment : undefined;
  if (!running) {
    throw new RefusedError(`no deployment of ${family} is running${current.queue.length ? ` (${current.queue.length} waiting)` : ''}; name one with --version`);
  }
  return { family, versionId: running.request.versionId };
}

const CONTROL_SUMMARIES: Record<ControlAction, string> = {
  promote: 'leave dark: start the rollout',
  override: 'set the live percentage now (the rollout stops; 100 completes it)',
  pause: 'hold the rollout and the migration where they are',
  resume: 'continue a paused rollout or a held migration',
  abort: 'live to 0%, stop the rollout and the migration',
  cancel: 'take a queued request out of the queue',
};

function controlCommand(action: ControlAction): Command {
  const withPercent = action === 'override';
  return {
    args: withPercent ? '<entity|family> <percent>' : '<entity|family>',
    summary: CONTROL_SUMMARIES[action],
    options: ['family', 'version', 'reason'],
    async run(context) {
      const [name, percentText] = positionals(context, withPercent ? ['<entity|family>', '<percent>'] : ['<entity|family>']);
      const { version, reason, family: familyOption } = context.values;
      const versionId = version === undefined ? undefined : parseVersionId(version, '--version');
      if (action === 'cancel' && !versionId) throw new UsageError('cancel: name the queued version with --version');
      const percent = withPercent ? parseWholeNumber(percentText, '<percent>', 0, 100) : undefined;
      const body = checked(controlBodySchemas[action], {
        ...(reason !== undefined && { reason }),
        ...(percent !== undefined && { percent }),
      });
      const at = await resolveTarget(context.client, name, familyOption);
      const deployment = await controlledVersion(context.client, at, versionId);
      const state = await context.client.control(at.entity, deployment.family, deployment.versionId, action, body);
      context.answer(state, formatControl(action, state));
    },
  };
}

export const COMMANDS: Record<string, Command> = {
  list: {
    args: '[text]',
    summary: 'families you may read: entity, owner, latest version, phase, live %, queue',
    options: ['owner', 'phase', 'limit', 'cursor'],
    async run(context) {
      const [q] = positionals(context, [], 1);
      const { owner, phase, limit, cursor } = context.values;
      const phases = phase?.split(',').map(text => {
        const known = publishedPhases.find(name => name === text.trim());
        if (!known) throw new UsageError(`--phase: ${JSON.stringify(text)} is not one of ${publishedPhases.join(', ')}`);
        return known;
      });
      const query: DeploymentListQuery = {
        ...(q && { q }),
        ...(owner && { owner }),
        ...(phases && { phase: phases }),
        ...(limit !== undefined && { limit: parseWholeNumber(limit, '--limit', 1, 1000) }),
        ...(cursor && { cursor }),
      };
      const list = await context.client.listDeployments(query);
      context.answer(list, formatList(list));
    },
  },
  status: {
    args: '<entity|family>',
    summary: 'per family: the running deployment in detail, the queue, the last deployment',
    options: ['family'],
    async run(context) {
      const answer = await familyViews(context.client, await target(context));
      context.answer(answer, formatStatus(answer));
    },
  },
  watch: {
    args: '<entity|family> [versionId]',
    summary: 'one line per family, redrawn every 2 s until it ends (exit 0) or Ctrl-C',
    options: ['family', 'interval'],
    async run(context) {
      const [name, versionId] = positionals(context, ['<entity|family>'], 1);
      await watch(context, await resolveTarget(context.client, name, context.values.family), versionId);
    },
  },
  start: {
    args: '<entity|family>',
    summary: 'ask for a deployment of --version (started, queued, or already requested)',
    options: ['family', 'version', 'sha', 'reason', 'rollback', 'dark', 'migratory', 'schedule'],
    async run(context) {
      const { version, sha, reason, rollback, dark, migratory, schedule } = context.values;
      const [name] = positionals(context, ['<entity|family>']);
      if (!version) throw new UsageError('--version is required');
      parseVersionId(version, '--version');
      const steps = schedule === undefined ? undefined : parseSchedule(schedule);
      const at = await resolveTarget(context.client, name, context.values.family);
      const { family } = await oneFamily(context.client, at);
      const body = checked(startDeploymentBodySchema, {
        family,
        versionId: version,
        ...(sha !== undefined && { sha }),
        ...(reason !== undefined && { reason }),
        ...(rollback && { rollback }),
        ...(dark !== undefined && { dark }),
        ...(migratory !== undefined && { migratory }),
        ...(steps && { schedule: steps }),
      });
      const started = await context.client.start(at.entity, body);
      context.answer(started, formatStart(started));
    },
  },
  ...Object.fromEntries(controlActions.map(action => [action, controlCommand(action)])),
  freeze: {
    args: '<entity|family>',
    summary: "hold the family (or all the entity's): no start, no step, no wave",
    options: ['family', 'reason', 'until'],
    async run(context) {
      const { reason, until } = context.values;
      const body = checked(freezeBodySchema, {
        ...(reason !== undefined && { reason }),
        ...(until !== undefined && { until }),
      });
      const at = await target(context);
      const answer = await context.client.freeze(at.entity, { ...body, ...(at.family && { family: at.family }) });
      context.answer(answer, formatFreeze(answer.families));
    },
  },
  unfreeze: {
    args: '<entity|family>',
    summary: "end the family's freeze (or those of all the entity's)",
    options: ['family', 'reason'],
    async run(context) {
      const body = checked(unfreezeBodySchema, { ...(context.values.reason !== undefined && { reason: context.values.reason }) });
      const at = await target(context);
      const answer = await context.client.unfreeze(at.entity, { ...body, ...(at.family && { family: at.family }) });
      context.answer(answer, formatFreeze(answer.families));
    },
  },
};

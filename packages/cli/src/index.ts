/**
 * `diachronic`: list, watch and steer Diachronic deployments from a terminal, through the Backstage
 * backend's API. `bin/diachronic.js` runs {@link main}; tests may call it with streams of their own.
 *
 * @packageDocumentation
 */
import { OPTION_HELP, OptionName, UsageError, parseCommandLine } from './args';
import { DiachronicClient, RefusedError } from './client';
import { COMMANDS, Command, GLOBAL_OPTIONS } from './commands';

/** What scripts can rely on. */
export const EXIT_CODES = {
  done: 0,
  /** Bad usage, the backend unreachable, a token it does not accept, a 5xx. */
  error: 1,
  /** The backend refused (400, 403, 404, 409) and said why; or there was nothing to act on. */
  refused: 2,
  /** Ctrl-C during a command other than watch (which ends with 0): the backend may have acted already. */
  interrupted: 130,
} as const;

export interface Io {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  /** Aborted at Ctrl-C. */
  signal?: AbortSignal;
}

const ENTITY_HELP = `<entity> is a catalog entity ref: component:default/orders, default/orders or component:orders
(kind component and namespace default when left out). A bare name is a family when one of that name
exists, else the entity component:default/<name>. Controls act on the family's running deployment
unless --version names one; an entity with several families needs --family.`;

function optionLines(names: OptionName[]): string[] {
  const rows = names.map(name => [`--${name}${OPTION_HELP[name][0] ? ` ${OPTION_HELP[name][0]}` : ''}`, OPTION_HELP[name][1]]);
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function findCommand(name: string | undefined): Command | undefined {
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** The usage of one command, or of all of them. */
export function usage(name?: string): string {
  const command = findCommand(name);
  if (name && command) {
    return [
      `Usage: diachronic ${name} ${command.args} [options]`,
      '',
      command.summary,
      '',
      'Options:',
      ...optionLines([...command.options, ...GLOBAL_OPTIONS]),
      '',
      ENTITY_HELP,
    ].join('\n');
  }
  const heads = Object.entries(COMMANDS).map(([commandName, { args }]) => `${commandName} ${args}`);
  const width = Math.max(...heads.map(head => head.length));
  return [
    'Usage: diachronic <command> [arguments] [options]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map(({ summary }, i) => `  ${heads[i].padEnd(width)}  ${summary}`),
    '',
    'Options of every command (`diachronic <command> --help` shows the others):',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    ENTITY_HELP,
    '',
    'Exit codes: 0 done, 2 refused by the backend (its reason on stderr), 1 any other error.',
  ].join('\n');
}

/** Runs one command line; resolves to the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const { stdout, stderr, env, signal } = io;
  let commandName: string | undefined;
  try {
    const { command: name, args, values, given } = parseCommandLine(argv);
    commandName = name === 'help' ? args[0] : name;
    if (name === 'help' || values.help) {
      stdout.write(`${usage(commandName)}\n`);
      return EXIT_CODES.done;
    }
    if (!name) throw new UsageError('no command given');
    const command = findCommand(name);
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    const foreign = given.filter(option => !command.options.includes(option) && !GLOBAL_OPTIONS.includes(option));
    if (foreign.length > 0) throw new UsageError(`${name} does not take ${foreign.map(option => `--${option}`).join(', ')}`);

    const backendUrl = values.url ?? env.DIACHRONIC_URL;
    if (!backendUrl) throw new UsageError('no backend: give --url or set DIACHRONIC_URL (the Backstage backend, e.g. http://localhost:7007)');
    let client: DiachronicClient;
    try {
      client = new DiachronicClient({ backendUrl, token: values.token ?? env.DIACHRONIC_TOKEN, signal });
    } catch (error) {
      throw new UsageError(`--url: ${(error as Error).message}`);
    }
    await command.run({
      client,
      values,
      args,
      answer: (json, text) => stdout.write(`${values.json ? JSON.stringify(json, null, 2) : text}\n`),
      stdout,
      stderr,
      signal,
    });
    return EXIT_CODES.done;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`diachronic: ${error.message}\n\n${usage(commandName)}\n`);
      return EXIT_CODES.error;
    }
    if (error instanceof RefusedError) {
      stderr.write(`diachronic: refused${error.status ? ` (${error.status})` : ''}: ${error.message}\n`);
      return EXIT_CODES.refused;
    }
    if (signal?.aborted) {
      stderr.write('diachronic: interrupted; the backend may have acted already\n');
      return EXIT_CODES.interrupted;
    }
    stderr.write(`diachronic: ${(error as Error).message}\n`);
    return EXIT_CODES.error;
  }
}

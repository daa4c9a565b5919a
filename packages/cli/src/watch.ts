/**
 * `watch`: looks every 2 s and shows one line per family (or the one deployment named), redrawn in place
 * on a terminal; piped or with --json, each change is printed once. Ends when nothing runs or waits any
 * more (the named deployment: when it reaches a terminal phase), or at Ctrl-C.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminalPhase } from '@diachronic/contract';
import type { FamilyView } from '@diachronic/backstage-plugin-diachronic-common';
import { parseSeconds, parseVersionId } from './args';
import { RefusedError } from './client';
import type { CommandContext } from './commands';
import { deploymentLine, familyLines } from './format';
import { Target, familyViews, oneFamily } from './target';

const DEFAULT_INTERVAL_MS = 2000;
/** Failed looks in a row that a watch rides out (a backend restarting, a worker answering late). */
const FAILURES_TOLERATED = 3;

interface Look {
  /** The backend's answer. */
  answer: unknown;
  lines: string[];
  /** Nothing more will change that the watch waits for. */
  done: boolean;
}

const moving = (view: FamilyView) => view.queue.length > 0 || (view.deployment !== undefined && !isTerminalPhase(view.deployment.phase));

export async function watch(context: CommandContext, target: Target, versionArgument?: string): Promise<void> {
  const { client, values, stdout, stderr, signal } = context;
  const intervalMs = values.interval === undefined ? DEFAULT_INTERVAL_MS : parseSeconds(values.interval, '--interval', 0.2);
  const versionId = versionArgument === undefined ? undefined : parseVersionId(versionArgument, '[versionId]');
  const family = versionId ? (await oneFamily(client, target)).family : undefined;

  const look = async (): Promise<Look> => {
    if (family && versionId) {
      const state = await client.deployment(target.entity, family, versionId);
      return { answer: state, lines: [deploymentLine(state)], done: isTerminalPhase(state.phase) };
    }
    const answer = await familyViews(client, target);
    return { answer, lines: familyLines(answer.families), done: !answer.families.some(moving) };
  };

  const tty = !values.json && stdout.isTTY === true;
  let drawnLines = 0;
  let shown = '';
  const show = ({ answer, lines }: Look) => {
    if (values.json) {
      const json = JSON.stringify(answer);
      if (json !== shown) stdout.write(`${json}\n`);
      shown = json;
    } else if (tty) {
      // Cut to the terminal's width, so that each line takes one row and the redraw moves up exactly.
      const width = Math.max(20, (stdout.columns || 120) - 1);
      const rows = lines.map(line => (line.length > width ? `${line.slice(0, width - 1)}…` : line));
      stdout.write(`${drawnLines > 0 ? `\x1b[${drawnLines}A\r\x1b[0J` : ''}${rows.join('\n')}\n`);
      drawnLines = rows.length;
    } else {
      const text = lines.join('\n');
      if (text !== shown) stdout.write(`${text}\n`);
      shown = text;
    }
  };

  let looked = false;
  let failures = 0;
  for (;;) {
    if (signal?.aborted) return;
    let current: Look;
    try {
      current = await look();
      looked = true;
      failures = 0;
    } catch (error) {
      // Ctrl-C while a look is in flight ends the watch as Ctrl-C between looks does.
      if (signal?.aborted) return;
      failures += 1;
      if (error instanceof RefusedError || !looked || failures > FAILURES_TOLERATED) throw error;
      stderr.write(`(no answer: ${(error as Error).message}; looking again)\n`);
      // The lines drawn before stay above the message; the next look draws below it.
      drawnLines = 0;
      await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
      continue;
    }
    show(current);
    if (current.done) return;
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
}

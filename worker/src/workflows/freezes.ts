/** Freezes as the family and global freeze workflows keep them: checked, made, and whether one is in force. */
import { ApplicationFailure } from '@temporalio/workflow';
import { Freeze, FreezeInput, MAX_REASON_LENGTH } from '@diachronic/contract';

function invalid(message: string): never {
  throw ApplicationFailure.create({ type: 'InvalidRequest', message, nonRetryable: true });
}

/** A freeze request's problems, as a validator refuses them (workflow time decides "in the future"). */
export function checkFreezeInput({ who, why, until }: FreezeInput): void {
  if (typeof who !== 'string' || who.length === 0) invalid('a freeze needs who asked');
  if (typeof why !== 'string' || why.trim().length === 0) invalid('reason: a freeze needs a reason');
  if (why.length > MAX_REASON_LENGTH) invalid(`reason: must be at most ${MAX_REASON_LENGTH} characters`);
  if (until !== undefined) {
    const end = Date.parse(until);
    if (Number.isNaN(end)) invalid(`until: ${JSON.stringify(until)} is not an ISO time`);
    if (end <= Date.now()) invalid(`until: ${until} has passed`);
  }
}

/** An unfreeze request's problems. */
export function checkUnfreezeInput({ who }: { who: string }): void {
  if (typeof who !== 'string' || who.length === 0) invalid('an unfreeze needs who asked');
}

export const makeFreeze = (scope: Freeze['scope'], { who, why, until }: FreezeInput): Freeze => ({
  scope,
  who,
  why: why.trim(),
  at: new Date().toISOString(),
  ...(until !== undefined && { until: new Date(Date.parse(until)).toISOString() }),
});

/** Whether a freeze is in force at workflow time now (one with an end that has passed is not). */
export const inForce = (freeze: Freeze | null | undefined): freeze is Freeze =>
  !!freeze && (freeze.until === undefined || Date.parse(freeze.until) > Date.now());

/** Milliseconds until a freeze ends by itself, for a timer (undefined: it does not). */
export const untilThaw = (freeze: Freeze): number | undefined =>
  freeze.until === undefined ? undefined : Math.max(1, Date.parse(freeze.until) - Date.now());

/** How a freeze reads in reasons and events: `frozen by … (family): why, until …`. */
export const freezeText = (freeze: Freeze) =>
  `frozen by ${freeze.who} (${freeze.scope === 'global' ? 'all families' : 'this family'}): ${freeze.why}${freeze.until ? `, until ${freeze.until}` : ''}`;

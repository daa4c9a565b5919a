/**
 * Auditor events for what changes deployments: every control, manual start, freeze, and GitHub delivery,
 * refusals included. The auditor records who (from the request's credentials) and when; the event says
 * what was asked, and how it ended. An action called through the actions registry has no request of its
 * own: its event names the actor in `meta`.
 */
import { AuditorService, AuditorServiceEventSeverityLevel } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { Request } from 'express';
import type { ControlAction } from '@diachronic/contract';

/** How grave each control is: taking traffic away or freezing weighs most. */
export const CONTROL_SEVERITY: Record<ControlAction, AuditorServiceEventSeverityLevel> = {
  promote: 'medium',
  override: 'medium',
  pause: 'medium',
  resume: 'medium',
  cancel: 'medium',
  abort: 'high',
};

/**
 * Runs `call` inside an auditor event: `success` with what `done` says of the result, or `fail` with the
 * error (a refusal: 400, 403, 404, 409; or Temporal being unavailable), which is then rethrown.
 */
export async function audited<T>(
  auditor: AuditorService,
  event: { eventId: string; severityLevel: AuditorServiceEventSeverityLevel; request?: Request; meta: JsonObject },
  call: () => Promise<T>,
  done: (result: T) => JsonObject = () => ({}),
): Promise<T> {
  const audit = await auditor.createEvent(event);
  let result: T;
  try {
    result = await call();
  } catch (error) {
    await audit.fail({ error: error as Error });
    throw error;
  }
  await audit.success({ meta: done(result) });
  return result;
}

/** Validation of deployment requests: shared by the family workflow's validator and the backend. */
import { DeploymentRequest, FAMILY_PATTERN, VERSION_ID_PATTERN } from './contract';
import { scheduleProblem } from './schedule';

const optionalDuration = (name: string, value: unknown, min: number) =>
  value === undefined || (typeof value === 'number' && Number.isFinite(value) && value >= min)
    ? undefined
    : `options.${name} must be a number of milliseconds ≥ ${min}, got ${JSON.stringify(value)}`;

/** What is wrong with a request, naming the field, or undefined when it is valid. */
export function deploymentRequestProblem(request: DeploymentRequest): string | undefined {
  if (typeof request.family !== 'string' || !FAMILY_PATTERN.test(request.family)) {
    return `family ${JSON.stringify(request.family)} is not a valid family name (lowercase letters, digits, '.', '-', '_')`;
  }
  if (typeof request.versionId !== 'string' || !VERSION_ID_PATTERN.test(request.versionId)) {
    return `versionId ${JSON.stringify(request.versionId)} is not a git sha (7–40 lowercase hex digits)`;
  }
  const { options } = request;
  if (typeof options !== 'object' || options === null) return 'options is missing';
  if (typeof options.dark !== 'boolean') return 'options.dark must be true or false';
  if (typeof options.migratory !== 'boolean') return 'options.migratory must be true or false';
  if (options.schedule !== undefined) {
    const problem = scheduleProblem(options.schedule);
    if (problem) return `options.schedule: ${problem}`;
  }
  return (
    optionalDuration('sweepIntervalMs', options.sweepIntervalMs, 100) ??
    optionalDuration('drainGuardMs', options.drainGuardMs, 0) ??
    optionalDuration('cleanupPollMs', options.cleanupPollMs, 100) ??
    (typeof request.requestedBy?.who === 'string' && request.requestedBy.who.length > 0
      ? undefined
      : 'requestedBy.who must name who asked for the deployment')
  );
}

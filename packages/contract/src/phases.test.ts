import { controlPhases, deploymentPhases, isTerminalPhase, publishedPhases } from './phases';

describe('phases', () => {
  it('publishes every phase but those of requests without a workflow (queued, cancelled, superseded)', () => {
    expect([...publishedPhases, 'queued', 'cancelled', 'superseded'].sort()).toEqual([...deploymentPhases].sort());
  });

  it('allows controls only in active phases, and cancel only while queued', () => {
    for (const phases of Object.values(controlPhases)) expect(phases.filter(isTerminalPhase)).toEqual([]);
    expect(controlPhases.cancel).toEqual(['queued']);
    expect(Object.entries(controlPhases).filter(([, phases]) => phases.includes('queued'))).toEqual([['cancel', ['queued']]]);
  });
});

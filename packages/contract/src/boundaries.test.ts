import { join } from 'node:path';
import { packageNameOf, runtimeImportsOf } from '@diachronic/test-utils/boundaries';

const packagesImportedBy = (entry: string) =>
  [...new Set(runtimeImportsOf(join(__dirname, entry)).map(({ specifier }) => packageNameOf(specifier)))].sort();

describe('the contract', () => {
  it('is browser- and workflow-safe: its main entry loads zod and nothing else (no Temporal, no Node)', () => {
    expect(packagesImportedBy('index.ts')).toEqual(['zod']);
  });

  it('keeps Temporal in its /temporal entry, which needs @temporalio/common only', () => {
    expect(packagesImportedBy('temporal.ts')).toEqual(['@temporalio/common']);
  });
});

import { join } from 'node:path';
import { isNodeBuiltin, packageNameOf, runtimeImportsOf } from '@diachronic/test-utils/boundaries';

describe("the Diachronic worker's workflow code", () => {
  const imports = runtimeImportsOf(join(__dirname, '..', '..', 'src', 'workflows', 'index.ts'));

  it('imports only workflow-safe packages, whose own boundary and determinism lint cover them', () => {
    expect([...new Set(imports.map(({ specifier }) => packageNameOf(specifier)))].sort()).toEqual([
      '@diachronic/contract',
      '@diachronic/migrate',
      '@temporalio/common',
      '@temporalio/workflow',
    ]);
  });

  it('imports no Node built-in anywhere (no I/O, clocks or randomness outside the SDK)', () => {
    expect(imports.filter(({ specifier }) => isNodeBuiltin(specifier))).toEqual([]);
  });
});

// The parts of Diachronic that `npm start` runs on top of the services, each only if it exists yet.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const nodeTs = ['--require', '@backstage/cli/config/nodeTransform.cjs'];

export function appProcesses(rootDir) {
  const candidates = [
    { name: 'worker', entry: 'worker/src/main.ts', command: process.execPath, args: [...nodeTs, 'worker/src/main.ts'] },
    { name: 'order-v1', entry: 'examples/order/src/v1/main.ts', command: process.execPath, args: [...nodeTs, 'examples/order/src/v1/main.ts'] },
    { name: 'order-v2', entry: 'examples/order/src/v2/main.ts', command: process.execPath, args: [...nodeTs, 'examples/order/src/v2/main.ts'] },
    {
      name: 'signaler',
      entry: 'packages/signaler/src/http/main.ts',
      command: process.execPath,
      args: [...nodeTs, 'packages/signaler/src/http/main.ts'],
      // The example family: workflow type `order` of family `order`.
      env: { DIACHRONIC_FAMILIES: process.env.DIACHRONIC_FAMILIES ?? 'order=order' },
    },
    { name: 'backstage', entry: 'packages/backend/package.json', command: 'npm', args: ['start', '--workspaces=false', '--prefix', 'packages/backend'] },
    { name: 'app', entry: 'packages/app/package.json', command: 'npm', args: ['start', '--workspaces=false', '--prefix', 'packages/app'] },
  ];
  return candidates.filter(app => existsSync(join(rootDir, app.entry)));
}

// Development entry: `node --require @backstage/cli/config/nodeTransform.cjs packages/signaler/src/http/main.ts`.
import { runSignalerFromEnv } from './cli';

runSignalerFromEnv();

// Development entry (`npm start -w worker`): workflows are bundled at start unless DIACHRONIC_WORKFLOW_BUNDLE.
import { runWorkerFromEnv } from './run';

runWorkerFromEnv();

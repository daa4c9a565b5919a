// `npm run services:stop`: stops every service recorded in the state folder.
import { stopServices } from './lib/services.mjs';

await stopServices();

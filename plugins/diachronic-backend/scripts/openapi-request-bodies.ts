/**
 * Writes the request bodies' schemas into src/schema/openapi.yaml (after its marker line), from the shared
 * zod schemas. Run after changing a body schema, then regenerate the typed router:
 *
 *   scripts/with-node.sh node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/diachronic-backend/scripts/openapi-request-bodies.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiSchemaOf, requestBodySchemas } from '../src/schema/requestBodies';

export const OPENAPI_BODIES_MARKER = '    # Generated from the shared zod schemas';

const file = join(__dirname, '..', 'src', 'schema', 'openapi.yaml');
const text = readFileSync(file, 'utf8');
const at = text.indexOf(OPENAPI_BODIES_MARKER);
if (at < 0) throw new Error(`${file} has no line starting with "${OPENAPI_BODIES_MARKER.trim()}"`);
const marker = text.slice(at, text.indexOf('\n', at) + 1);
const bodies = Object.entries(requestBodySchemas).map(([name, schema]) => `    ${name}: ${JSON.stringify(openApiSchemaOf(schema))}\n`);
writeFileSync(file, `${text.slice(0, at)}${marker}${bodies.join('')}`);
console.log(`wrote ${Object.keys(requestBodySchemas).length} request bodies into ${file}`);

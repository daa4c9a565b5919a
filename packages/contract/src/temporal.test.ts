import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { searchAttributes } from './temporal';

describe('search attributes', () => {
  it('are the ones search-attributes.json registers, with the same types', () => {
    const registered = JSON.parse(readFileSync(join(__dirname, '..', 'search-attributes.json'), 'utf8'));
    const typeNames: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int', BOOL: 'Bool' };
    const defined = Object.fromEntries(Object.values(searchAttributes).map(key => [key.name, typeNames[key.type]]));
    expect(defined).toEqual(registered);
  });
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderModelSchema, SCHEMA_PATH } from '../../../../scripts/gen-schema';

describe('engine/schema/model.v1.schema.json', () => {
  it('is up to date with the zod DocumentSchema (run `npx tsx scripts/gen-schema.ts`)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(renderModelSchema());
  });
  it('names the public contract fields', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'version', 'nodes', 'edges']));
    expect(schema.properties.format.const).toBe('cnn-studio.model');
    expect(schema.properties.version.const).toBe(1);
    expect(Object.keys(schema.properties.nodes.items.properties)).toEqual(expect.arrayContaining(['id', 'type', 'params', 'position', 'weights']));
    expect(Object.keys(schema.properties.edges.items.properties)).toEqual(expect.arrayContaining(['id', 'source', 'target', 'targetPort']));
  });
});

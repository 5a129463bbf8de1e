import { MODEL_VERSION } from './schema';

/**
 * Forward migrations: MIGRATIONS[v] turns a version-v document into version v+1.
 * Version 1 is the first published format, so there is nothing to migrate yet; when version 2
 * comes, add MIGRATIONS[1] and a test with a saved version-1 file.
 */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {};

export function migrateToCurrent(doc: Record<string, unknown>): Record<string, unknown> {
  let current = doc;
  let version = current.version as number;
  while (version < MODEL_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw new Error(`No migration from model format version ${version}`);
    current = { ...step(current), version: version + 1 };
    version += 1;
  }
  return current;
}

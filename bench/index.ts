/**
 * Benchmarks: `npm run bench` runs them all; `npm run bench -- core` runs one by name.
 * To add one, write bench/<name>.ts exporting `run(): Promise<void>` and add one line to BENCHES.
 */
const BENCHES: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  core: () => import('./core'),
  ort: () => import('./ort'),
  editor: () => import('./editor'),
  live: () => import('./live'),
  isolation: () => import('./isolation'),
  taps: () => import('./taps'),
  train: () => import('./train'),
  'train-ui': () => import('./train-ui'),
  cli: () => import('./cli'),
  import: () => import('./import'),
};

async function main(): Promise<number> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !BENCHES[n]);
  if (unknown.length) {
    console.error(`unknown benchmark${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} — available: ${Object.keys(BENCHES).join(', ')}`);
    return 2;
  }
  for (const name of names.length ? names : Object.keys(BENCHES)) {
    console.log(`── bench ${name} ──`);
    await (await BENCHES[name]()).run();
  }
  return 0;
}

process.exitCode = await main();

export {};

#!/usr/bin/env node
// cnn-studio CLI entry: runs the TypeScript sources through tsx's ESM loader (no build step).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../engine/src/cli/index.ts');
process.exitCode = await runCli(process.argv.slice(2));

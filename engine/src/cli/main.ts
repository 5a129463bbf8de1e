#!/usr/bin/env node
/**
 * The `cnn-studio` executable. scripts/build.mjs bundles it to dist/cli/cnn-studio.mjs (package.json
 * "bin"), built by `npm ci` (prepare) and `npm run build`: the CLI starts as compiled JavaScript, with
 * no TypeScript loader and no devDependency at run time.
 */
import { runCli } from './index';

process.exitCode = await runCli(process.argv.slice(2));

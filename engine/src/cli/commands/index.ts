/**
 * The CLI's commands. To add one, write commands/<name>.ts exporting a CliCommand and register it
 * here with one line.
 */
export { presetsCommand } from './presets';
export { summaryCommand } from './summary';
export { validateCommand } from './validate';
export { inferCommand } from './infer';
export { exportCommand } from './export';
export { importCommand } from './import';
export { trainCommand } from './train';

import { analyze } from '../../core/graph/analyze';
import { buildSummary, summaryToCsv, summaryToJson, summaryToMarkdown, summaryToText } from '../../core/summary';
import { CliError, EXIT, type CliCommand } from '../command';
import { loadModelArg } from '../load-model';

export const summaryCommand: CliCommand = {
  name: 'summary',
  usage: 'summary <file.json | preset:NAME> [--json] [--expand] [--format text|markdown|csv]',
  description: 'Print a torchinfo-style table: node, type, output shape, params, MACs, and totals.',
  flags: {
    json: { type: 'boolean', description: 'Print JSON: {valid, totals, nodes, diagnostics} (a stable contract).' },
    expand: { type: 'boolean', description: 'Also list the primitives inside composite nodes.' },
    format: { type: 'string', valueName: 'text|markdown|csv', description: 'Table format (default text).' },
  },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const doc = await loadModelArg(args.positionals[0], io);
    const summary = buildSummary(doc, analyze(doc), { expand: args.flags.expand === true });
    if (args.flags.json) {
      io.stdout(JSON.stringify(summaryToJson(summary), null, 2) + '\n');
      return 0;
    }
    const format = (args.flags.format as string | undefined) ?? 'text';
    const render = { text: summaryToText, markdown: summaryToMarkdown, md: summaryToMarkdown, csv: summaryToCsv }[format];
    if (!render) throw new CliError(EXIT.usage, `summary: unknown --format "${format}" — use text, markdown or csv.`, 'usage');
    io.stdout(render(summary));
    return 0;
  },
};

import { analyze } from '../../core/graph/analyze';
import { buildSummary, formatCount, formatDiagnostic, formatMetric, summaryToJson } from '../../core/summary';
import { EXIT, type CliCommand } from '../command';
import { loadModelArg } from '../load-model';

export const validateCommand: CliCommand = {
  name: 'validate',
  usage: 'validate <file.json | preset:NAME> [--json]',
  description: 'Check a model: exit 0 valid, 1 invalid (diagnostics printed), 2 unreadable or not a model.',
  flags: { json: { type: 'boolean', description: 'Print JSON: {valid, totals, nodes, diagnostics}.' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const doc = await loadModelArg(args.positionals[0], io);
    const analysis = analyze(doc);
    if (args.flags.json) {
      io.stdout(JSON.stringify(summaryToJson(buildSummary(doc, analysis)), null, 2) + '\n');
    } else {
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
      io.stdout(
        analysis.valid
          ? `valid: "${doc.name}" — ${doc.nodes.length} nodes, ${formatCount(analysis.totals.params)} params, ${formatMetric(analysis.totals.macs)} MACs\n`
          : `invalid: "${doc.name}" — ${errors} error${errors === 1 ? '' : 's'}\n`,
      );
      for (const d of analysis.diagnostics) io.stdout(formatDiagnostic(d) + '\n');
    }
    return analysis.valid ? EXIT.ok : EXIT.invalid;
  },
};

import { analyze } from '../../core/graph/analyze';
import { buildSummary, formatCount, formatDiagnostic, formatMetric, summaryToJson } from '../../core/summary';
import { EXIT, type CliCommand } from '../command';
import { documentFileDiagnostics, loadModelArg } from '../load-model';

export const validateCommand: CliCommand = {
  name: 'validate',
  usage: 'validate <file.json | preset:NAME> [--json]',
  description: 'Check a model — its graph, its weights and its weights file: exit 0 valid, 1 invalid (diagnostics printed), 2 unreadable or not a model.',
  flags: { json: { type: 'boolean', description: 'Print JSON: {valid, totals, nodes, diagnostics}.' } },
  positionals: { min: 1, max: 1 },
  async run(args, io) {
    const doc = await loadModelArg(args.positionals[0], io);
    const graph = analyze(doc);
    // The graph's own diagnostics, then its weights and weights file (core/weights/check.ts, the sidecar rule).
    const extra = await documentFileDiagnostics(args.positionals[0], doc, graph);
    const analysis = { ...graph, valid: graph.valid && !extra.some((d) => d.severity === 'error'), diagnostics: [...graph.diagnostics, ...extra] };
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

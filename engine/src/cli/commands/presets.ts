import { PRESETS } from '../../core/presets';
import { analyze } from '../../core/graph/analyze';
import { formatCount, formatMetric } from '../../core/summary';
import type { CliCommand } from '../command';

export const presetsCommand: CliCommand = {
  name: 'presets',
  usage: 'presets [--json]',
  description: 'List the built-in presets (use one as preset:NAME).',
  flags: { json: { type: 'boolean', description: 'Print a JSON array of {name, title, description, params, macs}.' } },
  positionals: { min: 0, max: 0 },
  async run(args, io) {
    const rows = PRESETS.map((p) => {
      const totals = analyze(p.build()).totals;
      return { name: p.name, title: p.title, description: p.description, params: totals.params, macs: totals.macs };
    });
    if (args.flags.json) {
      io.stdout(JSON.stringify(rows, null, 2) + '\n');
      return 0;
    }
    const w = Math.max(...rows.map((r) => r.name.length));
    const pw = Math.max(...rows.map((r) => formatCount(r.params).length));
    for (const r of rows) io.stdout(`${r.name.padEnd(w)}  ${formatCount(r.params).padStart(pw)} params  ${formatMetric(r.macs).padStart(9)}MACs  ${r.title}\n`);
    return 0;
  },
};

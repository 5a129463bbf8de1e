import { useMemo, useState } from 'react';
import { useDocumentStore, useAnalysis } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import { buildSummary, formatBytes, formatCount, formatMetric, summaryCells, summaryToCsv, summaryToMarkdown, SUMMARY_COLUMNS } from '../engine';

const NUMERIC = new Set(['Params', 'MACs']);
const MONO = new Set(['Layer', 'Output shape']);
import { describeError, toast } from '../app/commands';
import { host } from '../app/host';
import { showMessage } from '../store/ui-store';
import { t, useT } from '../i18n';
import { summaryText } from '../i18n/engine-text';

/** Columns whose cells are names and code (ids, labels, op types): kept as written. */
const AS_WRITTEN = new Set(['Layer', 'Type']);

/** Through the host: on the desktop the page may not write the clipboard (every permission is denied there). */
function copyText(text: string, what: string): void {
  host.shell.copyText(text).then(
    () => toast(t('summary.copied', { what })),
    (e: unknown) => showMessage('error', t('summary.copyFailed'), describeError(e)),
  );
}

/** The torchinfo-style table of the engine's summary, copyable as Markdown or CSV. */
export function SummaryView() {
  const { t: tr } = useT();
  const open = useUiStore((s) => s.summaryOpen);
  const set = useUiStore((s) => s.set);
  const doc = useDocumentStore((s) => s.doc);
  const analysis = useAnalysis();
  const [expand, setExpand] = useState(false);
  const summary = useMemo(() => (open ? buildSummary(doc, analysis, { expand }) : undefined), [open, doc, analysis, expand]);
  if (!open || !summary) return null;
  const close = () => set({ summaryOpen: false });
  return (
    <div className="modal-backdrop" onMouseDown={close}>
      <div className="modal summary" data-testid="summary-view" role="dialog" aria-label={tr('summary.title')} onMouseDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === 'Escape' && close()}>
        <header>
          <h2>
            {tr('summary.title')} — <span translate="no">{summary.name}</span>
          </h2>
          <label>
            <input type="checkbox" checked={expand} onChange={(e) => setExpand(e.target.checked)} data-testid="summary-expand" /> {tr('summary.expand')}
          </label>
          <button data-testid="summary-copy-md" onClick={() => copyText(summaryToMarkdown(summary), 'Markdown')}>
            {tr('summary.copyMarkdown')}
          </button>
          <button data-testid="summary-copy-csv" onClick={() => copyText(summaryToCsv(summary), 'CSV')}>
            {tr('summary.copyCsv')}
          </button>
          <button autoFocus onClick={close} data-testid="summary-close">
            {tr('common.close')}
          </button>
        </header>
        <div className="summary-scroll">
          <table data-testid="summary-table">
            <thead>
              <tr>
                {SUMMARY_COLUMNS.map((c) => (
                  <th key={c} className={NUMERIC.has(c) ? 'num' : undefined}>
                    {tr(`summary.col.${c}`, { defaultValue: c })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {summary.rows.map((r) => (
                <tr key={r.id} className={`depth-${r.depth} status-${r.status}`} data-testid="summary-row">
                  {summaryCells(r).map((cell, i) => (
                    <td
                      key={i}
                      className={NUMERIC.has(SUMMARY_COLUMNS[i]) ? 'num' : MONO.has(SUMMARY_COLUMNS[i]) ? 'mono' : undefined}
                      translate={AS_WRITTEN.has(SUMMARY_COLUMNS[i]) ? 'no' : undefined}
                    >
                      {SUMMARY_COLUMNS[i] === 'Details' ? summaryText(cell) : cell}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <footer data-testid="summary-totals">
          {tr('summary.totals', {
            params: formatCount(summary.totals.params),
            macs: formatCount(summary.totals.macs),
            metric: formatMetric(summary.totals.macs),
            activations: formatBytes(summary.totals.activationBytes),
          })}{' '}
          {summary.valid ? tr('summary.valid') : tr('summary.hasErrors')}
        </footer>
      </div>
    </div>
  );
}

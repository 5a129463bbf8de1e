import { useAnalysis, useDocumentStore } from '../store/document-store';
import { useDocumentProblems } from '../store/document-problems';
import { useUiStore } from '../store/ui-store';
import { setPanelHidden } from './Splitter';
import { formatBytes, formatCount, formatMetric } from '../engine';

/** Totals of the whole model; raw numbers are in data-value for tools and tests. */
export function StatusBar() {
  const analysis = useAnalysis();
  const nodes = useDocumentStore((s) => s.doc.nodes.length);
  const set = useUiStore((s) => s.set);
  const panels = useUiStore((s) => s.panels);
  const t = analysis.totals;
  const fileProblems = useDocumentProblems();
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length + fileProblems.length;
  const warnings = analysis.diagnostics.filter((d) => d.severity === 'warning').length;
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span data-testid="status-params" data-value={t.params} title={`${formatCount(t.params)} trainable parameters`}>
        Params <b>{formatCount(t.params)}</b>
      </span>
      <span data-testid="status-macs" data-value={t.macs} title={`${formatCount(t.macs)} multiply-accumulates per image`}>
        MACs <b>{formatMetric(t.macs)}</b>
      </span>
      <span data-testid="status-activations" data-value={t.activationBytes} title="Activation memory, fp32, batch 1">
        Activations <b>{formatBytes(t.activationBytes)}</b>
      </span>
      <span data-testid="status-depth" data-value={t.depth} title="Convolution and dense layers on the longest path">
        Depth <b>{t.depth}</b>
      </span>
      <span data-testid="status-nodes">{nodes} nodes</span>
      <button className={`status-problems ${errors ? 'error' : warnings ? 'warning' : 'ok'}`} data-testid="status-problems" data-errors={errors} onClick={() => set({ rightTab: 'problems' })}>
        {errors ? `${errors} error${errors === 1 ? '' : 's'}` : 'no errors'}
        {warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}
      </button>
      <span className="spacer" />
      <button data-testid="toggle-palette" aria-pressed={!panels.paletteHidden} onClick={() => setPanelHidden('palette', !panels.paletteHidden)} title="Show or hide the layers panel">
        Layers
      </button>
      <button data-testid="toggle-right-panel" aria-pressed={!panels.rightHidden} onClick={() => setPanelHidden('right', !panels.rightHidden)} title="Show or hide the side panel (Inspector, Problems, Run…)">
        Side panel
      </button>
      <button data-testid="open-summary" onClick={() => set({ summaryOpen: true })} title="Summary table (Ctrl+I)">
        Summary
      </button>
    </footer>
  );
}

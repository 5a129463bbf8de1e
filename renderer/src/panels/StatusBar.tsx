import { useAnalysis, useDocumentStore } from '../store/document-store';
import { useDocumentProblems } from '../store/document-problems';
import { useUiStore } from '../store/ui-store';
import { setPanelHidden } from './Splitter';
import { formatBytes, formatCount, formatMetric } from '../engine';
import { setLanguageChoice, useLanguageChoice, useT, type LanguageChoice } from '../i18n';

/** Totals of the whole model; raw numbers are in data-value for tools and tests. */
export function StatusBar() {
  const { t: tr, lang } = useT();
  const languageChoice = useLanguageChoice();
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
      <span data-testid="status-params" data-value={t.params} title={tr('status.paramsTitle', { n: formatCount(t.params) })}>
        {tr('status.params')} <b>{formatCount(t.params)}</b>
      </span>
      <span data-testid="status-macs" data-value={t.macs} title={tr('status.macsTitle', { n: formatCount(t.macs) })}>
        {tr('status.macs')} <b>{formatMetric(t.macs)}</b>
      </span>
      <span data-testid="status-activations" data-value={t.activationBytes} title={tr('status.activationsTitle')}>
        {tr('status.activations')} <b>{formatBytes(t.activationBytes)}</b>
      </span>
      <span data-testid="status-depth" data-value={t.depth} title={tr('status.depthTitle')}>
        {tr('status.depth')} <b>{t.depth}</b>
      </span>
      <span data-testid="status-nodes">{tr('status.nodes', { count: nodes })}</span>
      <button className={`status-problems ${errors ? 'error' : warnings ? 'warning' : 'ok'}`} data-testid="status-problems" data-errors={errors} onClick={() => set({ rightTab: 'problems' })}>
        {errors ? tr('status.errors', { count: errors }) : tr('status.noErrors')}
        {warnings ? tr('status.warnings', { count: warnings }) : ''}
      </button>
      <span className="spacer" />
      <button data-testid="toggle-palette" aria-pressed={!panels.paletteHidden} onClick={() => setPanelHidden('palette', !panels.paletteHidden)} title={tr('status.layersTitle')}>
        {tr('status.layers')}
      </button>
      <button data-testid="toggle-right-panel" aria-pressed={!panels.rightHidden} onClick={() => setPanelHidden('right', !panels.rightHidden)} title={tr('status.sideTitle')}>
        {tr('status.side')}
      </button>
      <button data-testid="open-summary" onClick={() => set({ summaryOpen: true })} title={tr('status.summaryTitle')}>
        {tr('summary.title')}
      </button>
      <select
        className="status-language"
        data-testid="language-select"
        aria-label={tr('language.label')}
        title={tr('language.menu', { current: languageChoice === 'system' ? tr('language.systemIs', { lang: tr(`language.${lang}`) }) : tr(`language.${languageChoice}`) })}
        value={languageChoice}
        onChange={(e) => setLanguageChoice(e.target.value as LanguageChoice)}
      >
        {(['system', 'en', 'ko'] as const).map((v) => (
          <option key={v} value={v}>
            {tr(`language.${v}`)}
          </option>
        ))}
      </select>
    </footer>
  );
}

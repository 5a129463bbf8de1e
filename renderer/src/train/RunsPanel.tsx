/**
 * The Runs tab: every training run of the document side by side (costs, settings, results), their
 * curves overlaid, and what differs between two of them — so "does the 1×1 reduction cost
 * accuracy?" is answered on the screen. Runs live in the document (doc.runs): every change here is
 * a document edit, undoable, and saved with the model file.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { create } from 'zustand';
import type { PanelTab } from '../panels/RightPanel';
import type { RunRecord } from '../../../engine/src/core/document/schema';
import type { ModelDocument } from '../engine';
import { useDocumentStore } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import { toast } from '../app/commands';
import { layerCardSize } from '../layout/sizes';
import { chartData, compareOutcome, deleteRun, renameRun, resolvePair, runRows, runsOf, type ChartMode, type RunRow } from './runs-model';
import { describeDesignChange, describeValueChange, diffRuns, isSameSetup } from './runs-diff';
import { restoreDesign } from './runs-restore';
import { RunsChart } from './runs-chart';
import './runs.css';
import { t, useT } from '../i18n';

/** What the view remembers while the tab is closed: ticks, chart mode, the compared pair, the wide view. */
interface RunsViewState {
  overrides: ReadonlyMap<string, boolean>;
  mode: ChartMode;
  pair: readonly [string | undefined, string | undefined];
  wide: boolean;
  set(patch: Partial<Omit<RunsViewState, 'set'>>): void;
}

const useRunsView = create<RunsViewState>()((set) => ({
  overrides: new Map(),
  mode: 'loss',
  pair: [undefined, undefined],
  wide: false,
  set: (patch) => set(patch),
}));

const EMPTY: readonly RunRecord[] = [];
const useRuns = () => useDocumentStore((s) => s.doc.runs ?? EMPTY);
const edit = (label: string, f: (d: ModelDocument) => ModelDocument) => useDocumentStore.getState().edit(label, f);

// ── Actions ───────────────────────────────────────────────────────────────────────────────────

function removeRun(run: RunRecord): void {
  if (edit(`Delete run “${run.name}”`, (d) => deleteRun(d, run.id))) toast(t('runs.deleted', { name: run.name }));
}

function restore(run: RunRecord): void {
  const ui = useUiStore.getState();
  let result: ReturnType<typeof restoreDesign> | undefined;
  const changed = edit(`Restore design of “${run.name}”`, (d) => {
    result = restoreDesign(d, run.design, { direction: ui.direction, card: layerCardSize(ui.cardExtraHeight) });
    return result.doc;
  });
  if (!changed || !result) return toast(t('runs.alreadyDesign', { name: run.name }));
  ui.select([]);
  const parts = [
    result.added.length ? t('runs.added', { count: result.added.length }) : '',
    result.removed.length ? t('runs.removed', { count: result.removed.length }) : '',
    result.weightsDropped.length ? t('runs.weightsReset', { count: result.weightsDropped.length }) : '',
  ].filter(Boolean);
  toast(t('runs.restored', { name: run.name, parts: parts.length ? ` (${parts.join(', ')})` : '' }));
}

// ── Table ─────────────────────────────────────────────────────────────────────────────────────

function NameField({ row }: { row: RunRow }) {
  const [draft, setDraft] = useState<string>();
  const commit = () => {
    if (draft !== undefined) edit('Rename run', (d) => renameRun(d, row.id, draft));
    setDraft(undefined);
  };
  return (
    <input
      className="runs-name"
      value={draft ?? row.name}
      aria-label={t('runs.nameLabel')}
      title={t('runs.rename')}
      data-testid="runs-name"
      maxLength={200}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur();
        else if (e.key === 'Escape') {
          setDraft(undefined);
          requestAnimationFrame(() => (e.target as HTMLInputElement).blur());
        }
      }}
    />
  );
}

/** The comparison first (visible in the narrow panel without scrolling), then the settings, then when. */
const COLUMNS: { key: string; title: string; num?: boolean; cell(r: RunRow): ReactNode }[] = [
  { key: 'accuracy', title: 'Accuracy', num: true, cell: (r) => <span title={t(r.accuracyOn === 'train' ? 'runs.accTrainTitle' : 'runs.accTestTitle')}>{r.accuracy}{r.accuracyOn === 'train' ? t('runs.accTrain') : ''}</span> },
  { key: 'params', title: 'Params', num: true, cell: (r) => r.params },
  { key: 'macs', title: 'MACs', num: true, cell: (r) => <span title={r.macsTitle}>{r.macs}</span> },
  { key: 'activations', title: 'Activations', num: true, cell: (r) => <span title={t('status.activationsTitle')}>{r.activations}</span> },
  { key: 'perEpoch', title: 'Per epoch', num: true, cell: (r) => r.perEpoch },
  { key: 'total', title: 'Total', num: true, cell: (r) => r.total },
  { key: 'epochs', title: 'Epochs', num: true, cell: (r) => r.epochs },
  { key: 'optimizer', title: 'Optimizer', cell: (r) => r.optimizer },
  { key: 'dataset', title: 'Data', cell: (r) => <span title={r.datasetTitle}>{r.dataset}</span> },
  { key: 'status', title: 'Status', cell: (r) => <span className={`runs-status runs-status-${r.status}`}>{t(`train.status.${r.status}`, { defaultValue: r.status })}</span> },
  { key: 'date', title: 'Started', cell: (r) => r.date },
];

function RunsTable({ runs }: { runs: readonly RunRecord[] }) {
  const overrides = useRunsView((s) => s.overrides);
  const set = useRunsView((s) => s.set);
  const rows = useMemo(() => runRows(runs, overrides), [runs, overrides]);
  const toggle = (id: string, on: boolean) => set({ overrides: new Map(overrides).set(id, on) });
  useT();
  return (
    <div className="runs-table-scroll">
      <table className="runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th className="runs-sticky">{t('runs.col.run')}</th>
            {COLUMNS.map((c) => (
              <th key={c.key} className={c.num ? 'num' : undefined}>
                {t(`runs.col.${c.key}`, { defaultValue: c.title })}
              </th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.id} data-testid="runs-row" data-run-id={r.id} data-chosen={r.chosen}>
              <td className="runs-sticky">
                <span className="runs-name-cell">
                  <input type="checkbox" checked={r.chosen} onChange={(e) => toggle(r.id, e.target.checked)} aria-label={t('runs.showInChart', { name: r.name })} title={t('runs.showInChartTitle')} data-testid="runs-choose" />
                  <span className="runs-swatch" style={{ background: r.colour }} />
                  <NameField row={r} />
                </span>
              </td>
              {COLUMNS.map((c) => (
                <td key={c.key} className={c.num ? 'num' : undefined}>
                  {c.cell(r)}
                </td>
              ))}
              <td className="runs-actions">
                <button onClick={() => restore(runs[i])} title={t('runs.restoreTitle')} data-testid="runs-restore">
                  {t('runs.restoreDesign')}
                </button>
                <button className="runs-delete" onClick={() => removeRun(runs[i])} title={t('runs.deleteTitle')} aria-label={t('runs.deleteLabel', { name: r.name })} data-testid="runs-delete">
                  {t('runs.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// ── Chart ─────────────────────────────────────────────────────────────────────────────────────

function ChartSection({ runs, wide }: { runs: readonly RunRecord[]; wide: boolean }) {
  const overrides = useRunsView((s) => s.overrides);
  const mode = useRunsView((s) => s.mode);
  const set = useRunsView((s) => s.set);
  const data = useMemo(() => chartData(runs, overrides, mode), [runs, overrides, mode]);
  useT();
  return (
    <section className="runs-section">
      <header className="runs-section-head">
        <h4>{t('runs.curves')}</h4>
        <span className="runs-toggle" role="group" aria-label={t('runs.curve')}>
          <button className={mode === 'loss' ? 'active' : ''} aria-pressed={mode === 'loss'} onClick={() => set({ mode: 'loss' })} data-testid="runs-mode-loss">
            {t('train.chart.lossTitle')}
          </button>
          <button className={mode === 'accuracy' ? 'active' : ''} aria-pressed={mode === 'accuracy'} onClick={() => set({ mode: 'accuracy' })} data-testid="runs-mode-accuracy">
            {t('train.chart.accuracyTitle')}
          </button>
        </span>
      </header>
      <RunsChart data={data} mode={mode} height={wide ? 300 : 200} />
      <p className="runs-hint">{t(mode === 'loss' ? 'runs.lossHint' : 'runs.accuracyHint')}</p>
    </section>
  );
}

// ── What differs ──────────────────────────────────────────────────────────────────────────────

function RunSelect({ runs, value, onChange, label }: { runs: readonly RunRecord[]; value: string; onChange(id: string): void; label: string }) {
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={label} data-testid={`runs-diff-${label.toLowerCase()}`}>
      {runs.map((r) => (
        <option key={r.id} value={r.id}>
          {r.name}
        </option>
      ))}
    </select>
  );
}

function DiffSection({ runs }: { runs: readonly RunRecord[] }) {
  const overrides = useRunsView((s) => s.overrides);
  const picked = useRunsView((s) => s.pair);
  const set = useRunsView((s) => s.set);
  const pair = resolvePair(runs, picked, overrides);
  const a = pair && runs.find((r) => r.id === pair[0]);
  const b = pair && runs.find((r) => r.id === pair[1]);
  const diff = useMemo(() => (a && b ? diffRuns(a, b) : undefined), [a, b]);
  const outcome = useMemo(() => (a && b ? compareOutcome(a, b) : undefined), [a, b]);
  useT();
  if (!pair || !a || !b || !diff || !outcome) {
    return (
      <section className="runs-section" data-testid="runs-diff">
        <h4>{t('runs.differs')}</h4>
        <p className="runs-hint">{t('runs.trainTwice')}</p>
      </section>
    );
  }
  const lines = (items: string[], empty: string, testid: string) =>
    items.length ? (
      <ul className="runs-diff-list" data-testid={testid}>
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
    ) : (
      <p className="runs-hint" data-testid={testid}>
        {empty}
      </p>
    );
  return (
    <section className="runs-section" data-testid="runs-diff">
      <h4>{t('runs.differs')}</h4>
      <div className="runs-diff-pick">
        <RunSelect runs={runs} value={a.id} onChange={(id) => set({ pair: [id, b.id] })} label="A" />
        <span aria-hidden>→</span>
        <RunSelect runs={runs} value={b.id} onChange={(id) => set({ pair: [a.id, id] })} label="B" />
      </div>
      {a.id === b.id ? (
        <p className="runs-hint">{t('runs.pickTwo')}</p>
      ) : (
        <>
          <div className="runs-outcome-scroll">
            <table className="runs-outcome" data-testid="runs-outcome">
              <thead>
                <tr>
                  <th />
                  <th className="num">A</th>
                  <th className="num">B</th>
                  <th className="num">{t('runs.change')}</th>
                </tr>
              </thead>
              <tbody>
                {outcome.map((o) => (
                  <tr key={o.label}>
                    <th scope="row">{t(`runs.outcome.${o.label}`, { defaultValue: o.label })}</th>
                    <td className="num">{o.a}</td>
                    <td className="num">{o.b}</td>
                    <td className={`num${o.better === undefined ? '' : o.better ? ' runs-better' : ' runs-worse'}`}>{o.change}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {isSameSetup(diff) && <p className="runs-hint">{t('runs.repeat')}</p>}
          <h5>{t('runs.design')}</h5>
          {lines(diff.design.map(describeDesignChange), t('runs.sameDesign'), 'runs-diff-design')}
          <h5>{t('runs.settings')}</h5>
          {lines(diff.settings.map(describeValueChange), t('runs.sameSettings'), 'runs-diff-settings')}
          {diff.dataset.length > 0 && (
            <>
              <h5>{t('train.data.title')}</h5>
              {lines(diff.dataset.map(describeValueChange), '', 'runs-diff-dataset')}
            </>
          )}
        </>
      )}
    </section>
  );
}

// ── The view ──────────────────────────────────────────────────────────────────────────────────

function EmptyRuns() {
  useT();
  return (
    <div className="runs-empty" data-testid="runs-empty">
      <p>
        <b>{t('runs.none')}</b> {t('runs.noneText')}
      </p>
      <p>{t('runs.try')}</p>
      <p className="runs-hint">{t('runs.saved')}</p>
    </div>
  );
}

function RunsView({ wide }: { wide: boolean }) {
  const runs = useRuns();
  const set = useRunsView((s) => s.set);
  useT();
  if (!runs.length)
    return (
      <>
        <EmptyRuns />
        {wide && (
          <button onClick={() => set({ wide: false })} data-testid="runs-wide-close" autoFocus>
            {t('common.close')}
          </button>
        )}
      </>
    );
  return (
    <>
      <header className="runs-head">
        <h3>
          {t('tabs.runs')} <span className="count">{runs.length}</span>
        </h3>
        <span className="runs-hint">{t('runs.saved')}</span>
        <span className="spacer" />
        {wide ? (
          <button onClick={() => set({ wide: false })} data-testid="runs-wide-close" autoFocus>
            {t('common.close')}
          </button>
        ) : (
          <button onClick={() => set({ wide: true })} title={t('runs.wideTitle')} data-testid="runs-wide-open">
            {t('runs.wide')}
          </button>
        )}
      </header>
      <RunsTable runs={runs} />
      <ChartSection runs={runs} wide={wide} />
      <DiffSection runs={runs} />
    </>
  );
}

export function RunsPanel() {
  const wide = useRunsView((s) => s.wide);
  const set = useRunsView((s) => s.set);
  const close = () => set({ wide: false });
  useT();
  if (!wide)
    return (
      <div className="runs" data-testid="runs-panel">
        <RunsView wide={false} />
      </div>
    );
  // One copy of the view at a time (test ids stay unique): the panel points to the wide one.
  return (
    <div className="runs" data-testid="runs-panel">
      <p className="runs-hint">{t('runs.inWide')}</p>
      <button onClick={close}>{t('runs.back')}</button>
      <div className="modal-backdrop" onMouseDown={close}>
        <div className="modal runs runs-wide" role="dialog" aria-label={t('tabs.runs')} onMouseDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === 'Escape' && close()}>
          <RunsView wide />
        </div>
      </div>
    </div>
  );
}

export const RUNS_TAB: PanelTab = { id: 'runs', title: 'Runs', render: () => <RunsPanel /> };

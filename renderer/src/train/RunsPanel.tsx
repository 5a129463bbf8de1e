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
  if (edit(`Delete run “${run.name}”`, (d) => deleteRun(d, run.id))) toast(`Deleted run “${run.name}” — Ctrl+Z brings it back`);
}

function restore(run: RunRecord): void {
  const ui = useUiStore.getState();
  let result: ReturnType<typeof restoreDesign> | undefined;
  const changed = edit(`Restore design of “${run.name}”`, (d) => {
    result = restoreDesign(d, run.design, { direction: ui.direction, card: layerCardSize(ui.cardExtraHeight) });
    return result.doc;
  });
  if (!changed || !result) return toast(`The model already has the design of “${run.name}”`);
  ui.select([]);
  const parts = [
    result.added.length ? `${result.added.length} layer${result.added.length === 1 ? '' : 's'} added` : '',
    result.removed.length ? `${result.removed.length} removed` : '',
    result.weightsDropped.length ? `weights of ${result.weightsDropped.length} reset` : '',
  ].filter(Boolean);
  toast(`Restored the design of “${run.name}”${parts.length ? ` (${parts.join(', ')})` : ''} — Ctrl+Z undoes`);
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
      aria-label="Run name"
      title="Rename this run"
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
  { key: 'accuracy', title: 'Accuracy', num: true, cell: (r) => <span title={r.accuracyOn === 'train' ? 'On the training data: this run had no test split' : 'On the test split, after the last epoch'}>{r.accuracy}{r.accuracyOn === 'train' ? ' (train)' : ''}</span> },
  { key: 'params', title: 'Params', num: true, cell: (r) => r.params },
  { key: 'macs', title: 'MACs', num: true, cell: (r) => <span title={r.macsTitle}>{r.macs}</span> },
  { key: 'activations', title: 'Activations', num: true, cell: (r) => <span title="Activation memory, fp32, batch 1">{r.activations}</span> },
  { key: 'perEpoch', title: 'Per epoch', num: true, cell: (r) => r.perEpoch },
  { key: 'total', title: 'Total', num: true, cell: (r) => r.total },
  { key: 'epochs', title: 'Epochs', num: true, cell: (r) => r.epochs },
  { key: 'optimizer', title: 'Optimizer', cell: (r) => r.optimizer },
  { key: 'dataset', title: 'Data', cell: (r) => <span title={r.datasetTitle}>{r.dataset}</span> },
  { key: 'status', title: 'Status', cell: (r) => <span className={`runs-status runs-status-${r.status}`}>{r.status}</span> },
  { key: 'date', title: 'Started', cell: (r) => r.date },
];

function RunsTable({ runs }: { runs: readonly RunRecord[] }) {
  const overrides = useRunsView((s) => s.overrides);
  const set = useRunsView((s) => s.set);
  const rows = useMemo(() => runRows(runs, overrides), [runs, overrides]);
  const toggle = (id: string, on: boolean) => set({ overrides: new Map(overrides).set(id, on) });
  return (
    <div className="runs-table-scroll">
      <table className="runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th className="runs-sticky">Run</th>
            {COLUMNS.map((c) => (
              <th key={c.key} className={c.num ? 'num' : undefined}>
                {c.title}
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
                  <input type="checkbox" checked={r.chosen} onChange={(e) => toggle(r.id, e.target.checked)} aria-label={`Show “${r.name}” in the chart`} title="Show in the chart" data-testid="runs-choose" />
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
                <button onClick={() => restore(runs[i])} title="Make the model’s layers and connections this run’s design (one undoable edit)" data-testid="runs-restore">
                  Restore design
                </button>
                <button className="runs-delete" onClick={() => removeRun(runs[i])} title="Delete this run (Ctrl+Z brings it back)" aria-label={`Delete run “${r.name}”`} data-testid="runs-delete">
                  Delete
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
  return (
    <section className="runs-section">
      <header className="runs-section-head">
        <h4>Curves</h4>
        <span className="runs-toggle" role="group" aria-label="Curve">
          <button className={mode === 'loss' ? 'active' : ''} aria-pressed={mode === 'loss'} onClick={() => set({ mode: 'loss' })} data-testid="runs-mode-loss">
            Loss
          </button>
          <button className={mode === 'accuracy' ? 'active' : ''} aria-pressed={mode === 'accuracy'} onClick={() => set({ mode: 'accuracy' })} data-testid="runs-mode-accuracy">
            Accuracy
          </button>
        </span>
      </header>
      <RunsChart data={data} mode={mode} height={wide ? 300 : 200} />
      <p className="runs-hint">{mode === 'loss' ? 'Training loss (smoothed) against epochs.' : 'Test accuracy after each epoch (dashed: training accuracy, for a run without a test split).'}</p>
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
  if (!pair || !a || !b || !diff || !outcome) {
    return (
      <section className="runs-section" data-testid="runs-diff">
        <h4>What differs</h4>
        <p className="runs-hint">Train a second time to compare two runs here.</p>
      </section>
    );
  }
  const lines = (items: string[], empty: string, testid: string) =>
    items.length ? (
      <ul className="runs-diff-list" data-testid={testid}>
        {items.map((t, i) => (
          <li key={i}>{t}</li>
        ))}
      </ul>
    ) : (
      <p className="runs-hint" data-testid={testid}>
        {empty}
      </p>
    );
  return (
    <section className="runs-section" data-testid="runs-diff">
      <h4>What differs</h4>
      <div className="runs-diff-pick">
        <RunSelect runs={runs} value={a.id} onChange={(id) => set({ pair: [id, b.id] })} label="A" />
        <span aria-hidden>→</span>
        <RunSelect runs={runs} value={b.id} onChange={(id) => set({ pair: [a.id, id] })} label="B" />
      </div>
      {a.id === b.id ? (
        <p className="runs-hint">Pick two different runs.</p>
      ) : (
        <>
          <div className="runs-outcome-scroll">
            <table className="runs-outcome" data-testid="runs-outcome">
              <thead>
                <tr>
                  <th />
                  <th className="num">A</th>
                  <th className="num">B</th>
                  <th className="num">Change</th>
                </tr>
              </thead>
              <tbody>
                {outcome.map((o) => (
                  <tr key={o.label}>
                    <th scope="row">{o.label}</th>
                    <td className="num">{o.a}</td>
                    <td className="num">{o.b}</td>
                    <td className={`num${o.better === undefined ? '' : o.better ? ' runs-better' : ' runs-worse'}`}>{o.change}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {isSameSetup(diff) && <p className="runs-hint">Same design, settings (seed included) and data: this is a repeat, so any difference in the results is run-to-run noise.</p>}
          <h5>Design</h5>
          {lines(diff.design.map(describeDesignChange), 'Same layers, parameters and connections.', 'runs-diff-design')}
          <h5>Training settings</h5>
          {lines(diff.settings.map(describeValueChange), 'Same settings.', 'runs-diff-settings')}
          {diff.dataset.length > 0 && (
            <>
              <h5>Data</h5>
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
  return (
    <div className="runs-empty" data-testid="runs-empty">
      <p>
        <b>No training runs yet.</b> Each time you train this model in the Train tab, the run appears here: its design, costs,
        settings, curves and final accuracy, side by side with the others.
      </p>
      <p>Try: load LeNet-5, train it; change C3 to 8 filters, train again; then compare the two runs here — what did halving C3 cost in accuracy, and what did it save?</p>
      <p className="runs-hint">Runs are saved in this model file.</p>
    </div>
  );
}

function RunsView({ wide }: { wide: boolean }) {
  const runs = useRuns();
  const set = useRunsView((s) => s.set);
  if (!runs.length)
    return (
      <>
        <EmptyRuns />
        {wide && (
          <button onClick={() => set({ wide: false })} data-testid="runs-wide-close" autoFocus>
            Close
          </button>
        )}
      </>
    );
  return (
    <>
      <header className="runs-head">
        <h3>
          Runs <span className="count">{runs.length}</span>
        </h3>
        <span className="runs-hint">Runs are saved in this model file.</span>
        <span className="spacer" />
        {wide ? (
          <button onClick={() => set({ wide: false })} data-testid="runs-wide-close" autoFocus>
            Close
          </button>
        ) : (
          <button onClick={() => set({ wide: true })} title="Show the comparison across the window" data-testid="runs-wide-open">
            Wide view
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
  if (!wide)
    return (
      <div className="runs" data-testid="runs-panel">
        <RunsView wide={false} />
      </div>
    );
  // One copy of the view at a time (test ids stay unique): the panel points to the wide one.
  return (
    <div className="runs" data-testid="runs-panel">
      <p className="runs-hint">The runs are shown in the wide view.</p>
      <button onClick={close}>Back to the panel</button>
      <div className="modal-backdrop" onMouseDown={close}>
        <div className="modal runs runs-wide" role="dialog" aria-label="Runs" onMouseDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === 'Escape' && close()}>
          <RunsView wide />
        </div>
      </div>
    </div>
  );
}

export const RUNS_TAB: PanelTab = { id: 'runs', title: 'Runs', render: () => <RunsPanel /> };

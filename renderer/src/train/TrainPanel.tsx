/**
 * The Train tab: pick data and see what it holds, set up a run, start / pause / resume / stop it,
 * and watch it learn — curves, the first convolution's filters, and after each epoch the confusion
 * matrix and the misclassified samples. State lives in train-store.ts; each part of this panel
 * subscribes to its own slice, so a progress update re-renders the progress bar and the charts
 * (a few times a second), never the data grid or the settings.
 */
import { useEffect, useMemo } from 'react';
import type { DataSample } from '../../../engine/src/core/api';
import type { PanelTab } from '../panels/RightPanel';
import { host } from '../app/host';
import { useLiveStore } from '../live/live-store';
import { useDocumentStore } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import { DataSection } from './DataSection';
import { ConfusionMatrix, EpochTable, Misclassified } from './EpochResults';
import { FilterGrid } from './FilterGrid';
import { inputParamsOf, stableJson } from './merge';
import { SettingsForm, settingsSummary } from './SettingsForm';
import { TrainCharts } from './TrainCharts';
import { connectTraining, isActive, isTrainingConnected, useTrainStore, validateSettings } from './train-store';
import { formatDuration, percent } from './train-view';
import './train.css';
import { t as tr, useT } from '../i18n';

/** Wires the store to the app's host once (the first time the tab shows). */
function ensureConnected(): void {
  if (isTrainingConnected()) return;
  connectTraining({
    engine: host.engine,
    files: host.files,
    // The live-inference controller's name for the open document: runs and thumbnails share it.
    engineDocId: () => useLiveStore.getState().docId ?? `doc-${useDocumentStore.getState().docId}`,
  });
}

/** The run's status in words (train.status.*). */
const statusText = (status: string) => tr(`train.status.${status}`, { defaultValue: status });

function ProgressBar() {
  const { t } = useT();
  const status = useTrainStore((s) => s.run?.status);
  const p = useTrainStore((s) => s.run?.progress);
  if (!status) return null;
  const total = p?.totalSteps ?? 0;
  const done = p?.globalStep ?? 0;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  return (
    <div className="train-progress" data-testid="train-progress" data-status={status} data-step={done}>
      <div className={`train-bar train-bar-${status}`} role="progressbar" aria-label={t('train.progress')} aria-valuemin={0} aria-valuemax={total || 1} aria-valuenow={done}>
        <span style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <p className="train-progress-text" aria-live="polite">
        <strong>{statusText(status)}</strong>
        {p && (
          <>
            {' · '}
            {t('train.epochStep', { epoch: p.epoch, epochs: p.epochs, step: p.step.toLocaleString('en-US'), steps: p.stepsPerEpoch.toLocaleString('en-US') })}
            {' · '}
            {t('train.samplesPerSec', { n: Math.round(p.samplesPerSec).toLocaleString('en-US') })}
            {isActive(status) && status !== 'paused' && <> · {t('train.eta', { time: formatDuration(p.etaMs) })}</>}
            {' · '}
            {t('train.acc', { acc: percent(p.accuracy) })}
          </>
        )}
      </p>
    </div>
  );
}

function Controls() {
  const { t } = useT();
  const status = useTrainStore((s) => s.run?.status);
  const settings = useTrainStore((s) => s.settings);
  const hasInput = useDocumentStore((s) => !!inputParamsOf(s.doc));
  const { start, pause, resume, stop } = useTrainStore.getState();
  const active = isActive(status);
  const invalid = !validateSettings(settings).config;
  const why = !hasInput ? t('train.needInput') : invalid ? t('train.fixSettings') : undefined;
  return (
    <div className="train-controls" role="toolbar" aria-label={t('train.toolbar')}>
      {!active && (
        <button type="button" className="train-primary" onClick={() => void start()} disabled={!!why} title={why} data-testid="train-start">
          {status ? t('train.again') : t('train.start')}
        </button>
      )}
      {status === 'running' && (
        <button type="button" onClick={() => void pause()} data-testid="train-pause">
          {t('train.pause')}
        </button>
      )}
      {status === 'paused' && (
        <button type="button" className="train-primary" onClick={() => void resume()} data-testid="train-resume">
          {t('train.resume')}
        </button>
      )}
      {active && (
        <button type="button" onClick={() => void stop()} disabled={status === 'stopping'} data-testid="train-stop">
          {t('train.stop')}
        </button>
      )}
      {!active && <span className="train-muted train-summary">{settingsSummary(settings)}</span>}
      {why && !active && <span className="train-muted">{why}</span>}
    </div>
  );
}

function Messages() {
  const { t } = useT();
  const ask = useTrainStore((s) => !!s.run && isActive(s.run.status) && s.run.structureChanged && !s.run.keepOld);
  const error = useTrainStore((s) => s.run?.error);
  const result = useTrainStore((s) => s.run?.result);
  const { stop, keepTraining } = useTrainStore.getState();
  return (
    <>
      {ask && (
        <div className="train-callout train-warning" role="alert" data-testid="train-structure-notice">
          <p>{t('train.changed')}</p>
          <div className="train-row">
            <button type="button" onClick={() => void stop()} data-testid="train-notice-stop">
              {t('train.stopTraining')}
            </button>
            <button type="button" onClick={keepTraining} data-testid="train-notice-keep">
              {t('train.keepOld')}
            </button>
          </div>
          <p className="train-hint">{t('train.keptHint')}</p>
        </div>
      )}
      {error && (
        <div className="train-callout train-bad" role="alert" data-testid="train-error">
          <p>{error}</p>
        </div>
      )}
      {result && (
        <div className="train-callout train-good" role="status" data-testid="train-result">
          <p>{result.text}</p>
        </div>
      )}
    </>
  );
}

function LiveSection() {
  const { t } = useT();
  const started = useTrainStore((s) => !!s.run && (s.run.trainId !== undefined || s.run.epochs.length > 0 || s.run.progress !== undefined));
  const filters = useTrainStore((s) => s.run?.filters);
  const epochs = useTrainStore((s) => s.run?.epochs);
  const follow = useLiveStore((s) => s.followTraining);
  const dataset = useTrainStore((s) => s.run?.dataset ?? s.preview?.data);
  const filterName = useDocumentStore((s) => (filters ? (s.doc.nodes.find((n) => n.id === filters.nodeId)?.label ?? filters.nodeId) : ''));
  const runData = useTrainStore((s) => s.run?.data);
  const snapshot = useTrainStore((s) => s.run?.snapshot);
  const fetchSamples = useMemo(() => {
    const engine = host.engine;
    const input = snapshot && inputParamsOf(snapshot);
    if (!engine.dataSamples || !runData || !input) return undefined;
    return (indices: number[]) => engine.dataSamples!(runData, input, indices);
  }, [runData, snapshot]);
  const classes = useMemo(() => dataset?.summary.classes.map((c) => c.name) ?? [], [dataset]);
  if (!started) return null;
  const last = epochs?.at(-1);
  return (
    <section className="train-section" aria-labelledby="train-live-title">
      <h3 id="train-live-title">{t('train.learning')}</h3>
      <label className="train-follow" title={t('train.followTitle')}>
        <input type="checkbox" checked={follow} onChange={(e) => useLiveStore.getState().set({ followTraining: e.target.checked })} data-testid="train-follow-maps" /> {t('train.follow')}
      </label>
      <TrainCharts />
      {filters ? <FilterGrid frame={filters} name={filterName} /> : <p className="train-hint">{t('train.filtersHint')}</p>}
      {epochs && epochs.length > 0 && <EpochTable epochs={epochs} />}
      {last && <ConfusionMatrix report={last} classes={classes} />}
      {last?.confusion && <Misclassified report={last} classes={classes} fetchSamples={fetchSamples} onPick={runSample} />}
    </section>
  );
}

/** A sample picked from the misclassified gallery becomes the Input's image; the Run tab shows what the network says. */
function runSample(sample: DataSample, caption: string): void {
  useLiveStore.getState().set({ input: { image: sample.image, name: caption } });
  useUiStore.getState().set({ rightTab: 'run' });
}

function SettingsSection({ open, disabled }: { open: boolean; disabled: boolean }) {
  const { t } = useT();
  const settings = useTrainStore((s) => s.settings);
  return (
    <details className="train-section" open={open}>
      <summary>
        <h3>{t('train.settings.title')}</h3> <span className="train-muted">{settingsSummary(settings)}</span>
      </summary>
      <SettingsForm value={settings} onChange={useTrainStore.getState().setSettings} disabled={disabled} />
    </details>
  );
}

export function TrainPanel() {
  ensureConnected();
  const { t } = useT();
  const inputKey = useDocumentStore((s) => stableJson(inputParamsOf(s.doc) ?? null));
  const dataKey = useTrainStore((s) => JSON.stringify(s.data));
  const status = useTrainStore((s) => s.run?.status);
  useEffect(() => {
    void useTrainStore.getState().loadPreview();
  }, [inputKey, dataKey]);
  const active = isActive(status);
  return (
    <div className="train-tab" data-testid="train-tab">
      <div className="train-sticky">
        <Controls />
        <ProgressBar />
      </div>
      <Messages />
      <LiveSection />
      <details className="train-section" open={!status || status === 'failed'}>
        <summary>
          <h3>{t('train.data.title')}</h3>
        </summary>
        <DataSection canChooseFolder={!!host.files.chooseDataFolder} disabled={active} />
      </details>
      <SettingsSection open={!status} disabled={active} />
    </div>
  );
}

export const TRAIN_TAB: PanelTab = { id: 'train', title: 'Train', render: () => <TrainPanel /> };

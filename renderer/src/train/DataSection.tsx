import { useState } from 'react';
import type { DataPreview } from '../../../engine/src/core/api';
import { setParam } from '../model/edits';
import { useAnalysis, useDocumentStore } from '../store/document-store';
import { outputInfo } from './merge';
import { SampleImage, type Sample } from './SampleImage';
import { useTrainStore } from './train-store';
import { useT } from '../i18n';

/** Classes listed before "show all". */
const CLASSES_SHOWN = 12;

function folderName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** The model's class scores against the data's classes, with the one-click fix when they differ. */
function OutputCheck({ classes, disabled }: { classes: number; disabled: boolean }) {
  const { t } = useT();
  const doc = useDocumentStore((s) => s.doc);
  const analysis = useAnalysis();
  const out = outputInfo(doc, analysis);
  if (out.units === undefined || out.units === classes) return null;
  const fix = () => {
    if (out.denseId) useDocumentStore.getState().edit('Set output units', (d) => setParam(d, out.denseId!, 'units', classes));
  };
  return (
    <div className="train-callout train-warning" role="status">
      <p>{t('train.data.mismatch', { count: out.units, units: out.units.toLocaleString('en-US'), classes })}</p>
      {out.denseId ? (
        <button type="button" onClick={fix} disabled={disabled} data-testid="train-fix-units">
          {t('train.data.setUnits', { name: out.denseName, classes })}
        </button>
      ) : (
        <p className="train-hint">{t('train.data.makeOutputs', { classes })}</p>
      )}
    </div>
  );
}

function ClassRow({ name, count, samples }: { name: string; count: number; samples: Sample[] }) {
  const { t } = useT();
  return (
    <li className="train-class">
      <span className="train-class-name" title={name}>
        {name}
      </span>
      <span className="train-class-count">{count.toLocaleString('en-US')}</span>
      <span className="train-class-samples">
        {samples.map((s) => (
          <SampleImage key={s.index} sample={s} size={28} title={t('train.data.sample', { name, index: s.index })} />
        ))}
      </span>
    </li>
  );
}

function PreviewView({ preview }: { preview: DataPreview }) {
  const { t } = useT();
  const [all, setAll] = useState(false);
  const { summary, samples, skipped } = preview;
  const byLabel = new Map<number, Sample[]>();
  for (const s of samples) byLabel.set(s.label, [...(byLabel.get(s.label) ?? []), s]);
  const classes = all ? summary.classes : summary.classes.slice(0, CLASSES_SHOWN);
  const [c, h, w] = summary.sampleShape;
  return (
    <div className="train-preview" data-testid="train-data-preview">
      <p>
        {t('train.data.images', { n: summary.count.toLocaleString('en-US'), classes: summary.classes.length, shape: `${c}×${h}×${w}` })}
      </p>
      <ul className="train-classes" aria-label={t('train.data.classesLabel')}>
        {classes.map((cls, i) => (
          <ClassRow key={i} name={cls.name} count={cls.count} samples={byLabel.get(i) ?? []} />
        ))}
      </ul>
      {summary.classes.length > CLASSES_SHOWN && (
        <button type="button" className="train-link" onClick={() => setAll(!all)}>
          {all ? t('train.data.fewer') : t('train.data.all', { n: summary.classes.length })}
        </button>
      )}
      {summary.skipped > 0 && (
        <details className="train-skipped" data-testid="train-skipped">
          <summary>
            {t('train.data.skipped', { count: summary.skipped, n: summary.skipped.toLocaleString('en-US') })}
          </summary>
          <ul>
            {skipped.map((s, i) => (
              <li key={i}>
                <span className="train-mono">{s.file}</span> — {s.reason}
              </li>
            ))}
            {summary.skipped > skipped.length && <li className="train-muted">{t('train.data.more', { n: summary.skipped - skipped.length })}</li>}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Which data to train on, and what was found in it. */
export function DataSection({ canChooseFolder, disabled }: { canChooseFolder: boolean; disabled: boolean }) {
  const data = useTrainStore((s) => s.data);
  const preview = useTrainStore((s) => s.preview);
  const notice = useTrainStore((s) => s.dataNotice);
  const { chooseMnist, chooseFolder, loadPreview } = useTrainStore.getState();
  const { t } = useT();
  return (
    <div className="train-data" role="group" aria-label={t('train.data.title')}>
      <div className="train-row" role="group" aria-label={t('train.data.trainingData')}>
        <button type="button" aria-pressed={data.kind === 'mnist'} className={data.kind === 'mnist' ? 'train-chosen' : ''} onClick={chooseMnist} disabled={disabled} data-testid="train-data-mnist">
          {t('train.data.mnist')}
        </button>
        {canChooseFolder && (
          <button type="button" aria-pressed={data.kind === 'folder'} className={data.kind === 'folder' ? 'train-chosen' : ''} onClick={() => void chooseFolder()} disabled={disabled} data-testid="train-data-folder">
            {data.kind === 'folder' ? t('train.data.folder', { name: folderName(data.path) }) : t('train.data.openFolder')}
          </button>
        )}
      </div>
      {!canChooseFolder && (
        <p className="train-hint">
          {t('train.data.ownImages')} <span className="train-mono" translate="no">cnn-studio train model.json --data &lt;folder&gt; -o out.json</span>
        </p>
      )}
      {data.kind === 'folder' && <p className="train-hint train-mono" title={data.path}>{data.path}</p>}
      {notice && <p className="train-notice">{notice}</p>}
      {preview?.status === 'loading' && (
        <p className="train-muted" role="status">
          {t(data.kind === 'mnist' ? 'train.data.loadingMnist' : 'train.data.loadingFolder')}
        </p>
      )}
      {preview?.status === 'error' && (
        <div className="train-callout train-bad" role="alert">
          <p>{preview.error}</p>
          <button type="button" onClick={() => void loadPreview(true)}>
            {t('train.data.retry')}
          </button>
        </div>
      )}
      {preview?.data && (
        <>
          <OutputCheck classes={preview.data.summary.classes.length} disabled={disabled} />
          <PreviewView preview={preview.data} />
        </>
      )}
    </div>
  );
}

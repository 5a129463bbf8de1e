/**
 * An empty canvas offers a start: a network to begin from, the lecture's worked examples, and one
 * line on what to do next. The welcome can be closed (for this document); the line stays while the
 * canvas is empty, and all of it goes once the model has a node.
 */
import type { DragEvent } from 'react';
import { PRESETS } from '../engine';
import { commands } from '../app/commands';
import { flowApi } from '../canvas/flow-api';
import { DRAG_MIME } from '../model/palette';
import { useDocumentStore } from '../store/document-store';
import { useUiStore, type LectureExample } from '../store/ui-store';
import { Trans } from 'react-i18next';
import { i18n, useT } from '../i18n';

/** Presets to start from; what each is comes from welcome.starts.<preset>. */
const STARTS = ['lenet5', 'googlenet', 'resnet18'] as const;

/** The lecture's worked examples; their titles and lines come from welcome.examples.<example>. */
const EXAMPLES: LectureExample[] = ['convolution', 'pooling'];

/** Show a lecture example in the Explain tab (nothing selected: the tab shows the examples). */
export function showLectureExample(example: LectureExample): void {
  const ui = useUiStore.getState();
  ui.select([]);
  ui.set({ explainExample: example, rightTab: 'explain' });
}

/** A layer dragged from the palette may be dropped on the welcome too: it lands where it was dropped. */
function dropLayer(e: DragEvent) {
  const key = e.dataTransfer.getData(DRAG_MIME);
  const f = flowApi();
  if (!key || !f) return;
  e.preventDefault();
  commands.insert(key, f.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
}

export function Welcome() {
  const { t } = useT();
  const docId = useDocumentStore((s) => s.docId);
  const closed = useUiStore((s) => s.welcomeClosedFor === docId);
  const close = () => useUiStore.getState().set({ welcomeClosedFor: docId });
  const hint = (
    <p className="welcome-hint" data-testid="canvas-empty">
      <Trans i18n={i18n} ns="ui" i18nKey="welcome.hint" components={{ b: <b /> }} />
    </p>
  );
  if (closed) return <div className="canvas-empty">{hint}</div>;
  return (
    <div className="canvas-empty">
      <section
        className="welcome"
        aria-labelledby="welcome-title"
        data-testid="welcome"
        onDragOver={(e) => e.dataTransfer.types.includes(DRAG_MIME) && e.preventDefault()}
        onDrop={dropLayer}
      >
        <button className="welcome-close" aria-label={t('welcome.closeLabel')} title={t('common.close')} data-testid="welcome-close" onClick={close}>
          ×
        </button>
        <h2 id="welcome-title">{t('welcome.title')}</h2>
        <p>{t('welcome.intro')}</p>
        <h3>{t('welcome.startFrom')}</h3>
        <div className="welcome-choices">
          {STARTS.map((preset) => (
            <button key={preset} data-testid={`welcome-start-${preset}`} onClick={() => void commands.loadPreset(preset)}>
              <b>{PRESETS.find((p) => p.name === preset)?.title ?? preset}</b>
              <span>{t(`welcome.starts.${preset}`)}</span>
            </button>
          ))}
          <button
            data-testid="welcome-start-empty"
            onClick={() => {
              close();
              // Keyboard users land on the first layer to add: Enter puts an Input on the canvas.
              document.querySelector<HTMLElement>('[data-testid="palette-item-Input"]')?.focus();
            }}
          >
            <b>{t('welcome.empty')}</b>
            <span>{t('welcome.emptyWhat')}</span>
          </button>
        </div>
        <h3>{t('welcome.examples.title')}</h3>
        <div className="welcome-choices">
          {EXAMPLES.map((example) => (
            <button key={example} data-testid={`welcome-example-${example}`} onClick={() => showLectureExample(example)}>
              <b>{t(`welcome.examples.${example}.title`)}</b>
              <span>{t(`welcome.examples.${example}.what`)}</span>
            </button>
          ))}
        </div>
        {hint}
      </section>
    </div>
  );
}

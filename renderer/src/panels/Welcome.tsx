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

const STARTS: { preset: string; what: string }[] = [
  { preset: 'lenet5', what: 'a small digit reader (1998): convolution, pooling, dense' },
  { preset: 'googlenet', what: 'inception modules (2014)' },
  { preset: 'resnet18', what: 'residual units (2015)' },
];

const EXAMPLES: { example: LectureExample; title: string; what: string }[] = [
  { example: 'convolution', title: 'Convolution', what: 'a 3×3 filter sliding over the lecture’s 4×4 input, step by step' },
  { example: 'pooling', title: 'Pooling table', what: 'max, average and min pooling of the lecture’s example side by side' },
];

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
  const docId = useDocumentStore((s) => s.docId);
  const closed = useUiStore((s) => s.welcomeClosedFor === docId);
  const close = () => useUiStore.getState().set({ welcomeClosedFor: docId });
  const hint = (
    <p className="welcome-hint" data-testid="canvas-empty">
      Next: drag an <b>Input</b> from the Layers panel onto the canvas (or double-click the canvas), then add layers after it and connect them.
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
        <button className="welcome-close" aria-label="Close the welcome" title="Close" data-testid="welcome-close" onClick={close}>
          ×
        </button>
        <h2 id="welcome-title">Welcome to CNN Studio</h2>
        <p>Build a convolutional network from layers, see the shape of every tensor, and watch an image flow through it.</p>
        <h3>Start from</h3>
        <div className="welcome-choices">
          {STARTS.map(({ preset, what }) => (
            <button key={preset} data-testid={`welcome-start-${preset}`} onClick={() => void commands.loadPreset(preset)}>
              <b>{PRESETS.find((p) => p.name === preset)?.title ?? preset}</b>
              <span>{what}</span>
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
            <b>An empty canvas</b>
            <span>build your own, layer by layer</span>
          </button>
        </div>
        <h3>Lecture examples</h3>
        <div className="welcome-choices">
          {EXAMPLES.map(({ example, title, what }) => (
            <button key={example} data-testid={`welcome-example-${example}`} onClick={() => showLectureExample(example)}>
              <b>{title}</b>
              <span>{what}</span>
            </button>
          ))}
        </div>
        {hint}
      </section>
    </div>
  );
}

/**
 * File ▸ Import ONNX of a model exported for images of any size (symbolic height/width): asks for
 * the channels × height × width to import it at, each checked as it is typed; Enter imports, Escape
 * cancels (the open model stays as it was).
 */
import { useId, useState } from 'react';
import { useUiStore, type InputShapeRequest } from '../store/ui-store';
import { useT } from '../i18n';
import { INPUT_SHAPE_FIELDS, readInputShape } from './input-shape-fields';

export function InputShapeDialog() {
  const request = useUiStore((s) => s.inputShapeRequest);
  // Each ask starts from its own values.
  return request ? <InputShapeForm key={request.id} request={request} /> : null;
}

function InputShapeForm({ request }: { request: InputShapeRequest }) {
  const { t: tr } = useT();
  const [texts, setTexts] = useState<[string, string, string]>(() => [String(request.initial[0]), String(request.initial[1]), String(request.initial[2])]);
  const id = useId();
  const read = readInputShape(texts);
  const invalid = new Map(read.invalid.map((i) => [i.field, i.max]));
  const submit = () => read.shape && request.resolve(read.shape);
  return (
    <div className="modal-backdrop">
      <form
        className="modal input-shape-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        data-testid="input-shape-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        onKeyDown={(e) => e.key === 'Escape' && request.resolve(null)}
      >
        <h2 id={`${id}-title`}>{tr('inputShape.title', { name: request.file })}</h2>
        <p id={`${id}-text`}>{tr('inputShape.text')}</p>
        <p className="input-shape-detail muted" data-testid="input-shape-detail">
          {request.detail}
        </p>
        <div className="input-shape-fields">
          {INPUT_SHAPE_FIELDS.map((field, i) => (
            <label key={field}>
              <span>{tr(`inputShape.${field}`)}</span>
              <input
                type="text"
                inputMode="numeric"
                autoFocus={i === 0}
                value={texts[i]}
                aria-invalid={invalid.has(field)}
                aria-describedby={invalid.has(field) ? `${id}-${field}-error` : undefined}
                data-testid={`input-shape-${field}`}
                onChange={(e) => {
                  const next: [string, string, string] = [...texts];
                  next[i] = e.target.value;
                  setTexts(next);
                }}
              />
            </label>
          ))}
        </div>
        {INPUT_SHAPE_FIELDS.filter((f) => invalid.has(f)).map((field) => (
          <p key={field} id={`${id}-${field}-error`} className="field-error" role="alert" data-testid={`input-shape-${field}-error`}>
            {tr(`inputShape.${field}`)}: {tr('inputShape.range', { max: invalid.get(field)!.toLocaleString('en-US') })}
          </p>
        ))}
        <div className="buttons">
          <button type="button" data-testid="input-shape-cancel" onClick={() => request.resolve(null)}>
            {tr('common.cancel')}
          </button>
          <button type="submit" data-testid="input-shape-ok" disabled={!read.shape}>
            {tr('inputShape.import')}
          </button>
        </div>
      </form>
    </div>
  );
}

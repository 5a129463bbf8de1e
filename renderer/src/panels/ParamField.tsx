import { useId, useState, type ComponentProps } from 'react';
import { useDraftField } from './draft';
import type { FieldSpec } from '../model/param-fields';
import { parseNumberText } from '../model/param-fields';
import { t as tr, useT } from '../i18n';

export interface FieldProps {
  spec: FieldSpec;
  /** The raw value in the document (may be missing: the op default applies). */
  value: unknown;
  /** The value with defaults filled, when the params parse. */
  effective: unknown;
  /** Engine diagnostics about this parameter. */
  problems: string[];
  onChange(value: unknown): void;
  onCommitEnd(): void;
}

const toText = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/**
 * A text box for a number. What is typed stays a draft (a parse error shows at once) and is applied on
 * Enter or when the box loses focus, never clamped; Escape puts the applied value back.
 */
function NumberBox({ id, value, integer, testId, placeholder, label, onChange, onCommitEnd, onInvalid }: {
  /** The id the field's <label> points at (the field's first box). */
  id?: string;
  value: unknown;
  integer: boolean;
  testId: string;
  placeholder?: string;
  /** The box's accessible name: the field's label, and which value it holds when several share a field ("Kernel height"). */
  label: string;
  onChange(v: number | undefined): void;
  onCommitEnd(): void;
  onInvalid(msg: string | undefined): void;
}) {
  const field = useDraftField(toText(value), {
    accept: (text) => parseNumberText(text, integer).ok,
    apply(text) {
      const p = parseNumberText(text, integer);
      if (!p.ok) return;
      onInvalid(undefined);
      onChange(p.value);
      onCommitEnd();
    },
    onType(text) {
      const p = parseNumberText(text, integer);
      onInvalid(p.ok ? undefined : p.message);
    },
    onRevert: () => onInvalid(undefined),
  });
  return (
    <input
      id={id}
      className="num"
      inputMode={integer ? 'numeric' : 'decimal'}
      data-testid={testId}
      data-pending={field.pending ? 'true' : undefined}
      placeholder={placeholder}
      aria-label={label}
      title={field.pending ? tr('field.pending') : label}
      {...field.props}
    />
  );
}

const PAD_SIDES = ['top', 'left', 'bottom', 'right'] as const;

function asPair(v: unknown): [unknown, unknown] {
  if (Array.isArray(v)) return [v[0], v[1]];
  return [v, v];
}

export function ParamField({ spec, value, effective, problems, onChange, onCommitEnd }: FieldProps) {
  const id = useId();
  const [local, setLocal] = useState<string | undefined>();
  const { t } = useT();
  const f = spec.field;
  const tid = `param-${spec.name}`;
  let control: React.ReactNode;
  switch (f.kind) {
    case 'int':
    case 'number':
      // The default is the placeholder; "default" sits beside the box (inside it, it was cut off).
      control = (
        <span className="pair">
          <NumberBox
            id={id}
            label={spec.label}
            value={value}
            integer={f.kind === 'int'}
            testId={tid}
            placeholder={value === undefined && effective !== undefined ? toText(effective) : undefined}
            onChange={(v) => onChange(v)}
            onCommitEnd={onCommitEnd}
            onInvalid={setLocal}
          />
          {value === undefined && effective !== undefined && <span className="times" data-testid={`${tid}-default`}>{t('field.default')}</span>}
        </span>
      );
      break;
    case 'pair': {
      const [h, w] = asPair(value);
      const [eh, ew] = asPair(effective);
      const square = h === w;
      const set = (nh: unknown, nw: unknown) => {
        if (nh === undefined && nw === undefined) onChange(undefined);
        else if (nh === nw) onChange(nh);
        else onChange([nh ?? eh, nw ?? ew]);
      };
      control = (
        <span className="pair">
          <NumberBox
            id={id}
            label={t('field.pairHeight', { label: spec.label })}
            value={h}
            integer
            testId={`${tid}-h`}
            placeholder={f.emptyHint ?? (h === undefined ? toText(eh) : undefined)}
            onChange={(v) => (square ? set(v, v) : set(v, w))}
            onCommitEnd={onCommitEnd}
            onInvalid={setLocal}
          />
          <span className="times">×</span>
          <NumberBox
            label={t('field.pairWidth', { label: spec.label })}
            value={w}
            integer
            testId={`${tid}-w`}
            placeholder={f.emptyHint ?? (w === undefined ? toText(ew) : undefined)}
            onChange={(v) => set(h, v)}
            onCommitEnd={onCommitEnd}
            onInvalid={setLocal}
          />
        </span>
      );
      break;
    }
    case 'padding': {
      const mode = value === undefined ? 'valid' : typeof value === 'string' ? value : Array.isArray(value) ? 'explicit' : 'number';
      control = (
        <span className="pair">
          <select
            id={id}
            data-testid={`${tid}-mode`}
            value={mode}
            onChange={(e) => {
              const m = e.target.value;
              onChange(m === 'number' ? 1 : m === 'explicit' ? [1, 1, 1, 1] : m);
              onCommitEnd();
            }}
          >
            <option value="valid">{t('field.padValid')}</option>
            <option value="same">{t('field.padSame')}</option>
            <option value="number">{t('field.padAll')}</option>
            <option value="explicit">{t('field.padSides')}</option>
          </select>
          {mode === 'number' && <NumberBox label={t('field.allSides', { label: spec.label })} value={value} integer testId={`${tid}-value`} onChange={(v) => onChange(v ?? 0)} onCommitEnd={onCommitEnd} onInvalid={setLocal} />}
          {mode === 'explicit' && <PadSides label={spec.label} value={value as unknown[]} tid={tid} onChange={onChange} onCommitEnd={onCommitEnd} onInvalid={setLocal} />}
        </span>
      );
      break;
    }
    case 'pads': {
      const arr = Array.isArray(value);
      control = (
        <span className="pair">
          <select id={id} data-testid={`${tid}-mode`} value={arr ? 'explicit' : 'number'} onChange={(e) => onChange(e.target.value === 'explicit' ? [1, 1, 1, 1] : 1)}>
            <option value="number">{t('field.padAll')}</option>
            <option value="explicit">{t('field.padSides')}</option>
          </select>
          {!arr && <NumberBox label={t('field.allSides', { label: spec.label })} value={value} integer testId={`${tid}-value`} onChange={(v) => onChange(v ?? 0)} onCommitEnd={onCommitEnd} onInvalid={setLocal} />}
          {arr && <PadSides label={spec.label} value={value as unknown[]} tid={tid} onChange={onChange} onCommitEnd={onCommitEnd} onInvalid={setLocal} />}
        </span>
      );
      break;
    }
    case 'enum':
      control = (
        <select
          id={id}
          data-testid={tid}
          value={toText(value ?? effective)}
          onChange={(e) => {
            onChange(e.target.value);
            onCommitEnd();
          }}
        >
          {f.options.map((o) => (
            <option key={o} value={o}>
              {spec.optionLabels?.[o] ?? o}
            </option>
          ))}
        </select>
      );
      break;
    case 'bool':
      control = (
        <input
          id={id}
          type="checkbox"
          data-testid={tid}
          checked={Boolean(value ?? effective)}
          onChange={(e) => {
            onChange(e.target.checked);
            onCommitEnd();
          }}
        />
      );
      break;
  }
  const messages = [...(local ? [local] : []), ...problems];
  return (
    <div className={`field ${messages.length ? 'invalid' : ''}`} data-testid={`field-${spec.name}`}>
      <label htmlFor={id}>{spec.label}</label>
      <div className="control">{control}</div>
      {messages.map((m, i) => (
        <div key={i} className="field-error" data-testid="field-error">
          {m}
        </div>
      ))}
    </div>
  );
}

/** Four padding boxes: top, left, bottom, right. */
function PadSides(props: {
  /** The field's label: each box is named "<label> top" and so on. */
  label: string;
  value: unknown[];
  tid: string;
  onChange: (next: unknown[]) => void;
  onCommitEnd: ComponentProps<typeof NumberBox>['onCommitEnd'];
  onInvalid: ComponentProps<typeof NumberBox>['onInvalid'];
}) {
  return (
    <>
      {[0, 1, 2, 3].map((i) => (
        <NumberBox
          key={i}
          value={props.value[i]}
          integer
          testId={`${props.tid}-${i}`}
          label={tr(`field.side.${PAD_SIDES[i]}`, { label: props.label })}
          onChange={(v) => {
            const next = [...props.value];
            next[i] = v ?? 0;
            props.onChange(next);
          }}
          onCommitEnd={props.onCommitEnd}
          onInvalid={props.onInvalid}
        />
      ))}
    </>
  );
}

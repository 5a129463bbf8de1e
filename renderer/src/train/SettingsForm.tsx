import { useEffect, useId, useState, type ReactNode } from 'react';
import { DEFAULT_SETTINGS, validateSettings, type SettingsDraft } from './train-store';

const numberText = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '' : String(v));

/** A number typed freely (the text is kept while it does not parse); empty is NaN, or undefined when optional. */
function NumberField(p: { label: ReactNode; value: number | undefined; onChange(v: number | undefined): void; error?: string; optional?: boolean; placeholder?: string; hint?: string; testId?: string }) {
  const id = useId();
  const [text, setText] = useState(numberText(p.value));
  useEffect(() => {
    const parsed = text.trim() === '' ? undefined : Number(text);
    if (parsed !== p.value && !(Number.isNaN(parsed) && Number.isNaN(p.value))) setText(numberText(p.value));
  }, [p.value]);
  return (
    <div className={`train-field${p.error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{p.label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={text}
        placeholder={p.placeholder}
        aria-invalid={!!p.error}
        aria-describedby={p.error ? `${id}-error` : undefined}
        data-testid={p.testId}
        onChange={(e) => {
          setText(e.target.value);
          const t = e.target.value.trim();
          p.onChange(t === '' ? (p.optional ? undefined : Number.NaN) : Number(t));
        }}
      />
      {p.error ? (
        <span className="train-field-error" id={`${id}-error`}>
          {p.error}
        </span>
      ) : (
        p.hint && <span className="train-hint">{p.hint}</span>
      )}
    </div>
  );
}

function Check(p: { label: ReactNode; checked: boolean; onChange(v: boolean): void; testId?: string }) {
  return (
    <label className="train-check">
      <input type="checkbox" checked={p.checked} onChange={(e) => p.onChange(e.target.checked)} data-testid={p.testId} /> {p.label}
    </label>
  );
}

function Select<T extends string>(p: { label: ReactNode; value: T; options: [T, string][]; onChange(v: T): void; testId?: string }) {
  const id = useId();
  return (
    <div className="train-field">
      <label htmlFor={id}>{p.label}</label>
      <select id={id} value={p.value} onChange={(e) => p.onChange(e.target.value as T)} data-testid={p.testId}>
        {p.options.map(([v, t]) => (
          <option key={v} value={v}>
            {t}
          </option>
        ))}
      </select>
    </div>
  );
}

const OPTIMIZERS: [string, string][] = [
  ['adam', 'Adam'],
  ['adamw', 'AdamW'],
  ['sgd', 'SGD with momentum'],
];

const SCHEDULES: [string, string][] = [
  ['constant', 'Constant'],
  ['step', 'Step (× γ every N epochs)'],
  ['cosine', 'Cosine to 0'],
];

/** One line saying what the settings are ("5 epochs · batch 64 · Adam, lr 0.001"). */
export function settingsSummary(s: SettingsDraft): string {
  const opt = OPTIMIZERS.find(([k]) => k === (s.optimizer?.kind ?? 'adam'))?.[1] ?? '';
  const steps = s.maxStepsPerEpoch ? ` · ${s.maxStepsPerEpoch} steps/epoch` : '';
  return `${s.epochs ?? DEFAULT_SETTINGS.epochs} epochs · batch ${s.batch ?? DEFAULT_SETTINGS.batch} · ${opt}, lr ${s.lr ?? DEFAULT_SETTINGS.lr}${steps}`;
}

/** Training settings (core/train/config.ts), checked as typed; the schema's defaults suit LeNet-5 on MNIST. */
export function SettingsForm({ value, onChange, disabled }: { value: SettingsDraft; onChange(v: SettingsDraft): void; disabled: boolean }) {
  const { errors } = validateSettings(value);
  const opt = { ...DEFAULT_SETTINGS.optimizer, ...value.optimizer };
  const sched = { ...DEFAULT_SETTINGS.schedule, ...value.schedule };
  const aug = { ...DEFAULT_SETTINGS.augment, ...value.augment };
  const set = (patch: Partial<SettingsDraft>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="train-settings" disabled={disabled} data-testid="train-settings">
      <legend className="train-visually-hidden">Training settings</legend>
      <div className="train-grid">
        <NumberField label="Epochs" value={value.epochs} error={errors.epochs} onChange={(epochs) => set({ epochs })} testId="train-epochs" />
        <NumberField label="Batch size" value={value.batch} error={errors.batch} onChange={(batch) => set({ batch })} testId="train-batch" />
        <Select
          label="Optimizer"
          value={opt.kind}
          options={OPTIMIZERS as [typeof opt.kind, string][]}
          testId="train-optimizer"
          onChange={(kind) => set({ optimizer: { ...opt, kind, ...(kind === 'sgd' && !opt.momentum ? { momentum: 0.9 } : {}) } })}
        />
        <NumberField label="Learning rate" value={value.lr} error={errors.lr} onChange={(lr) => set({ lr })} testId="train-lr" />
        {opt.kind === 'sgd' && <NumberField label="Momentum" value={opt.momentum} error={errors['optimizer.momentum']} onChange={(momentum) => set({ optimizer: { ...opt, momentum } })} />}
        <NumberField label="Weight decay" value={opt.weightDecay} error={errors['optimizer.weightDecay']} onChange={(weightDecay) => set({ optimizer: { ...opt, weightDecay } })} hint={opt.kind === 'adamw' ? 'decoupled (AdamW)' : 'L2 on the gradient'} />
        <Select label="Schedule" value={sched.kind} options={SCHEDULES as [typeof sched.kind, string][]} onChange={(kind) => set({ schedule: { ...sched, kind } })} testId="train-schedule" />
        {sched.kind === 'step' && (
          <>
            <NumberField label="Every (epochs)" value={sched.every} error={errors['schedule.every']} onChange={(every) => set({ schedule: { ...sched, every } })} />
            <NumberField label="γ (multiply by)" value={sched.gamma} error={errors['schedule.gamma']} onChange={(gamma) => set({ schedule: { ...sched, gamma } })} />
          </>
        )}
        <NumberField label="Random crop (padding, px)" value={aug.cropPadding} error={errors['augment.cropPadding']} onChange={(cropPadding) => set({ augment: { ...aug, cropPadding } })} hint="0: off" />
        <NumberField label="Seed" value={value.seed} error={errors.seed} onChange={(seed) => set({ seed })} />
        <NumberField label="Test split" value={value.testSplit} error={errors.testSplit} onChange={(testSplit) => set({ testSplit })} hint="share held out, 0.2 = 20%" />
        <NumberField
          label="Steps per epoch (quick look)"
          value={value.maxStepsPerEpoch}
          optional
          placeholder="all"
          error={errors.maxStepsPerEpoch}
          onChange={(maxStepsPerEpoch) => set({ maxStepsPerEpoch })}
          hint="empty: the whole epoch"
          testId="train-max-steps"
        />
      </div>
      <div className="train-row">
        <Check label="Random horizontal flip" checked={aug.flip} onChange={(flip) => set({ augment: { ...aug, flip } })} />
        {opt.kind === 'sgd' && <Check label="Nesterov" checked={opt.nesterov} onChange={(nesterov) => set({ optimizer: { ...opt, nesterov } })} />}
        <Check label="Shuffle each epoch" checked={value.shuffle ?? true} onChange={(shuffle) => set({ shuffle })} />
      </div>
      <button type="button" className="train-link" onClick={() => onChange({ ...DEFAULT_SETTINGS })}>
        Reset to defaults
      </button>
    </fieldset>
  );
}

import { useEffect, useId, useState, type ReactNode } from 'react';
import { DEFAULT_SETTINGS, validateSettings, type SettingsDraft } from './train-store';
import { t as tr, useT } from '../i18n';

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

const OPTIMIZERS = ['adam', 'adamw', 'sgd'] as const;
const SCHEDULES = ['constant', 'step', 'cosine'] as const;
/** Choices with their words in the UI's language. */
const choices = <T extends string>(group: string, values: readonly T[]): [T, string][] => values.map((v) => [v, tr(`train.settings.${group}.${v}`)]);

/** One line saying what the settings are ("5 epochs · batch 64 · Adam, lr 0.001"). */
export function settingsSummary(s: SettingsDraft): string {
  const opt = tr(`train.settings.optimizer.${s.optimizer?.kind ?? 'adam'}`);
  const steps = s.maxStepsPerEpoch ? tr('train.settings.summarySteps', { n: s.maxStepsPerEpoch }) : '';
  return tr('train.settings.summary', { epochs: s.epochs ?? DEFAULT_SETTINGS.epochs, batch: s.batch ?? DEFAULT_SETTINGS.batch, opt, lr: s.lr ?? DEFAULT_SETTINGS.lr }) + steps;
}

/** Training settings (core/train/config.ts), checked as typed; the schema's defaults suit LeNet-5 on MNIST. */
export function SettingsForm({ value, onChange, disabled }: { value: SettingsDraft; onChange(v: SettingsDraft): void; disabled: boolean }) {
  const { errors } = validateSettings(value);
  const opt = { ...DEFAULT_SETTINGS.optimizer, ...value.optimizer };
  const sched = { ...DEFAULT_SETTINGS.schedule, ...value.schedule };
  const aug = { ...DEFAULT_SETTINGS.augment, ...value.augment };
  const set = (patch: Partial<SettingsDraft>) => onChange({ ...value, ...patch });
  const { t } = useT();
  return (
    <fieldset className="train-settings" disabled={disabled} data-testid="train-settings">
      <legend className="train-visually-hidden">{t('train.settings.legend')}</legend>
      <div className="train-grid">
        <NumberField label={t('train.settings.epochs')} value={value.epochs} error={errors.epochs} onChange={(epochs) => set({ epochs })} testId="train-epochs" />
        <NumberField label={t('train.settings.batch')} value={value.batch} error={errors.batch} onChange={(batch) => set({ batch })} testId="train-batch" />
        <Select
          label={t('train.settings.optimizerLabel')}
          value={opt.kind}
          options={choices('optimizer', OPTIMIZERS)}
          testId="train-optimizer"
          onChange={(kind) => set({ optimizer: { ...opt, kind, ...(kind === 'sgd' && !opt.momentum ? { momentum: 0.9 } : {}) } })}
        />
        <NumberField label={t('train.settings.lr')} value={value.lr} error={errors.lr} onChange={(lr) => set({ lr })} testId="train-lr" />
        {opt.kind === 'sgd' && <NumberField label={t('train.settings.momentum')} value={opt.momentum} error={errors['optimizer.momentum']} onChange={(momentum) => set({ optimizer: { ...opt, momentum } })} />}
        <NumberField label={t('train.settings.weightDecay')} value={opt.weightDecay} error={errors['optimizer.weightDecay']} onChange={(weightDecay) => set({ optimizer: { ...opt, weightDecay } })} hint={opt.kind === 'adamw' ? t('train.settings.decoupled') : t('train.settings.l2')} />
        <Select label={t('train.settings.scheduleLabel')} value={sched.kind} options={choices('schedule', SCHEDULES)} onChange={(kind) => set({ schedule: { ...sched, kind } })} testId="train-schedule" />
        {sched.kind === 'step' && (
          <>
            <NumberField label={t('train.settings.every')} value={sched.every} error={errors['schedule.every']} onChange={(every) => set({ schedule: { ...sched, every } })} />
            <NumberField label={t('train.settings.gamma')} value={sched.gamma} error={errors['schedule.gamma']} onChange={(gamma) => set({ schedule: { ...sched, gamma } })} />
          </>
        )}
        <NumberField label={t('train.settings.crop')} value={aug.cropPadding} error={errors['augment.cropPadding']} onChange={(cropPadding) => set({ augment: { ...aug, cropPadding } })} hint={t('train.settings.cropHint')} />
        <NumberField label={t('train.settings.seed')} value={value.seed} error={errors.seed} onChange={(seed) => set({ seed })} />
        <NumberField label={t('train.settings.testSplit')} value={value.testSplit} error={errors.testSplit} onChange={(testSplit) => set({ testSplit })} hint={t('train.settings.testSplitHint')} />
        <NumberField
          label={t('train.settings.maxSteps')}
          value={value.maxStepsPerEpoch}
          optional
          placeholder={t('train.settings.all')}
          error={errors.maxStepsPerEpoch}
          onChange={(maxStepsPerEpoch) => set({ maxStepsPerEpoch })}
          hint={t('train.settings.maxStepsHint')}
          testId="train-max-steps"
        />
      </div>
      <div className="train-row">
        <Check label={t('train.settings.flip')} checked={aug.flip} onChange={(flip) => set({ augment: { ...aug, flip } })} />
        {opt.kind === 'sgd' && <Check label={t('train.settings.nesterov')} checked={opt.nesterov} onChange={(nesterov) => set({ optimizer: { ...opt, nesterov } })} />}
        <Check label={t('train.settings.shuffle')} checked={value.shuffle ?? true} onChange={(shuffle) => set({ shuffle })} />
      </div>
      <button type="button" className="train-link" onClick={() => onChange({ ...DEFAULT_SETTINGS })}>
        {t('train.settings.reset')}
      </button>
    </fieldset>
  );
}

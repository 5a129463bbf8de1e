/**
 * The English of everything op-related, read from its sources — the engine's op titles and docs,
 * the palette's item titles, the inspector's field labels — in the shape the Korean catalog
 * (ops-ko.ts) has, so i18next falls back to it and a test can compare the two key by key.
 */
import { ops, PRESETS } from '../engine';
import { opDoc } from '../../../engine/src/core/ops/op-doc';
import { PALETTE, PALETTE_GROUPS } from '../model/palette';
import { PARAM_FIELDS } from '../model/param-fields';
import { DOC_VARIANT_PARAM } from './engine-text';
import { KERNEL_PRESETS } from '../../../engine/src/core/explain/kernel-presets';


export interface OpText {
  title: string;
  doc: string;
  /** Docs per value of DOC_VARIANT_PARAM's parameter. */
  docs?: Record<string, string>;
}

export interface FieldText {
  label: string;
  help?: string;
  hint?: string;
  /** Enum choices as shown (English shows the value itself). */
  options?: Record<string, string>;
}

export interface OpsCatalog {
  op: Record<string, OpText>;
  field: Record<string, Record<string, FieldText>>;
  palette: Record<string, string>;
  group: Record<string, string>;
  /** The kernel editor's presets (engine/src/core/explain/kernel-presets.ts), by name. */
  kernel: Record<string, { title: string; doc: string }>;
  /** The presets' descriptions (engine/src/core/presets), by preset name. */
  preset: Record<string, string>;
}

export function englishOpsCatalog(): OpsCatalog {
  const op: OpsCatalog['op'] = {};
  for (const o of ops.list()) {
    const text: OpText = { title: o.title, doc: o.doc };
    const variant = DOC_VARIANT_PARAM[o.type];
    const field = variant ? PARAM_FIELDS[o.type]?.find((f) => f.name === variant)?.field : undefined;
    if (variant && field?.kind === 'enum') text.docs = Object.fromEntries(field.options.map((v) => [v, opDoc(o, { ...o.example, [variant]: v })]));
    op[o.type] = text;
  }
  const field: OpsCatalog['field'] = {};
  for (const [type, specs] of Object.entries(PARAM_FIELDS)) {
    if (!specs.length) continue;
    field[type] = {};
    for (const s of specs) {
      const f: FieldText = { label: s.label };
      if (s.help) f.help = s.help;
      if (s.field.kind === 'pair' && s.field.emptyHint) f.hint = s.field.emptyHint;
      if (s.field.kind === 'enum') f.options = Object.fromEntries(s.field.options.map((v) => [v, v]));
      field[type][s.name] = f;
    }
  }
  return {
    op,
    field,
    palette: Object.fromEntries(PALETTE.map((p) => [p.key, p.title])),
    group: Object.fromEntries(PALETTE_GROUPS.map((g) => [g, g])),
    kernel: Object.fromEntries(KERNEL_PRESETS.map((k) => [k.name, { title: k.title, doc: k.doc }])),
    preset: Object.fromEntries(PRESETS.map((p) => [p.name, p.description])),
  };
}

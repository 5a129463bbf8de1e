/**
 * The engine's words in the interface's language: op titles and docs, inspector fields, palette
 * items (by op type / parameter / palette key, through i18next's "ops" namespace), and the short
 * notations the engine composes (card summaries "conv 3×3/2, 64", module roles "branch 2: 3×3"),
 * rewritten phrase by phrase. English is always the engine's own text.
 */
import type { OpDef } from '../engine';
import { opDoc } from '../../../engine/src/core/ops/op-doc';
import type { FieldSpec } from '../model/param-fields';
import type { PaletteItem } from '../model/palette';
import { i18n, language } from './index';

/** Ops whose doc depends on one parameter (OpDef.docFor): the parameter, by op type. */
export const DOC_VARIANT_PARAM: Record<string, string> = { Activation: 'fn' };

function lookup(key: string, fallback: string): string {
  const full = `ops:${key}`;
  return i18n.exists(full) ? (i18n.t(full) as string) : fallback;
}

export function opTitle(type: string, op?: Pick<OpDef, 'title'>): string {
  return lookup(`op.${type}.title`, op?.title ?? type);
}

/** The learner's sentences for a node of `op` with these params (its variant's, where variants differ). */
export function opDocText(op: OpDef, params: unknown): string {
  if (language() === 'en') return opDoc(op, params);
  const variant = DOC_VARIANT_PARAM[op.type];
  const parsed = variant ? op.params.safeParse(params ?? {}) : undefined;
  const value = parsed?.success ? (parsed.data as Record<string, unknown>)[variant] : undefined;
  if (typeof value === 'string' && i18n.exists(`ops:op.${op.type}.docs.${value}`)) return i18n.t(`ops:op.${op.type}.docs.${value}`) as string;
  return lookup(`op.${op.type}.doc`, opDoc(op, params));
}

export function fieldLabel(type: string, spec: FieldSpec): string {
  return lookup(`field.${type}.${spec.name}.label`, spec.label);
}

export function fieldHelp(type: string, spec: FieldSpec): string | undefined {
  return spec.help && lookup(`field.${type}.${spec.name}.help`, spec.help);
}

/** The placeholder of an empty pair field ("same as kernel"). */
export function fieldHint(type: string, spec: FieldSpec): string | undefined {
  const hint = spec.field.kind === 'pair' ? spec.field.emptyHint : undefined;
  return hint && lookup(`field.${type}.${spec.name}.hint`, hint);
}

/**
 * A parameter named without its field spec (the Runs tab's "what differs"): in Korean the
 * Inspector's label ("필터 수"); in English the document's own key ("filters"), as the model file
 * and exported code spell it.
 */
export function paramName(type: string, param: string): string {
  return language() === 'ko' ? lookup(`field.${type}.${param}.label`, param) : param;
}

/** An enum choice as shown: its value in English, a word in Korean. */
export function optionLabel(type: string, param: string, value: string): string {
  return lookup(`field.${type}.${param}.options.${value}`, value);
}

export function paletteTitle(item: Pick<PaletteItem, 'key' | 'title'>): string {
  return lookup(`palette.${item.key}`, item.title);
}

export function groupTitle(group: string): string {
  return lookup(`group.${group}`, group);
}

/** Rewrites `text` with the first matching rules, in order (each rule applies everywhere it matches). */
function rewrite(text: string, rules: readonly (readonly [RegExp, string])[]): string {
  let out = text;
  for (const [re, to] of rules) out = out.replace(re, to);
  return out;
}

/** The engine's card summaries ("depthwise conv 3×3, 32", "global avg pool", "dense 84") in Korean. */
const SUMMARY_KO: readonly (readonly [RegExp, string])[] = [
  [/^separable conv /, '분리 합성곱 '],
  [/^inverted residual /, '역잔차 '],
  [/^squeeze-excite /, '스퀴즈-익사이테이션 '],
  [/\bBN folded\b/, 'BN 합침'],
  [/\bhard swish\b/, '하드 스위시'],
  [/\bhard sigmoid gate\b/, '하드 시그모이드 게이트'],
  [/\(×(\d+) depthwise\)/, '(깊이별 ×$1)'],
  [/^depthwise conv /, '깊이별 합성곱 '],
  [/^conv /, '합성곱 '],
  [/, g(\d+)$/, ', 그룹 $1'],
  [/^global avg pool$/, '전역 평균 풀링'],
  [/^global max pool$/, '전역 최대 풀링'],
  [/^avg pool /, '평균 풀링 '],
  [/^max pool /, '최대 풀링 '],
  [/^min pool /, '최소 풀링 '],
  [/^zero pad /, '제로 패딩 '],
  [/^input /, '입력 '],
  [/^dense /, '완전 연결 '],
  [/^dropout /, '드롭아웃 '],
  [/^flatten$/, '평탄화'],
  [/^softmax$/, '소프트맥스'],
  [/^batch norm$/, '배치 정규화'],
  [/^concat$/, '연결'],
  [/^add$/, '덧셈'],
  [/^multiply$/, '곱셈'],
  [/^channel scale$/, '채널 스케일'],
  [/^channel shuffle, (\d+) groups$/, '채널 셔플, 그룹 $1'],
  [/^channels /, '채널 '],
  [/^inception:/, '인셉션:'],
  [/^pre-act /, '사전 활성화 '],
  [/\bbasic residual\b/, '기본 잔차'],
  [/\bbottleneck residual\b/, '병목 잔차'],
  [/\(width (\d+)\)/, '(너비 $1)'],
  [/^leaky ReLU /, 'Leaky ReLU '],
  [/^sigmoid$/, '시그모이드'],
  [/^identity$/, '항등'],
  [/^hard swish$/, '하드 스위시'],
  [/^hard sigmoid$/, '하드 시그모이드'],
  [/^SiLU \(swish\)$/, 'SiLU (스위시)'],
  [/^clip /, '클립 '],
];

export function summaryText(summary: string): string {
  return language() === 'ko' ? rewrite(summary, SUMMARY_KO) : summary;
}

/** The roles of a module's primitives ("branch 2: 1×1 reduce", "shortcut: 1×1 projection") in Korean. */
const ROLE_KO: readonly (readonly [RegExp, string])[] = [
  [/^branch (\d+): /, '분기 $1: '],
  [/1×1 reduce$/, '1×1 축소'],
  [/1×1 pool proj$/, '1×1 풀링 투영'],
  [/(\d+×\d+) max pool$/, '$1 최대 풀링'],
  [/^concat$/, '연결'],
  [/^residual: /, '잔차: '],
  [/^shortcut: /, '지름길: '],
  [/^add: residual \+ shortcut/, '덧셈: 잔차 + 지름길'],
  [/conv (\d+×\d+)/, '합성곱 $1'],
  [/(\d+×\d+) conv\b/, '$1 합성곱'],
  [/^depthwise: /, '깊이별: '],
  [/^pointwise: /, '점별: '],
  [/, each channel on its own$/, ', 채널마다 따로'],
  [/ mixing the channels$/, ' (채널을 섞음)'],
  [/^expand: /, '확장: '],
  [/^project: /, '투영: '],
  [/ \(batch norm folded in\)$/, ' (배치 정규화를 합침)'],
  [/batch norm/, '배치 정규화'],
  [/ \(pre-activation\)$/, ' (사전 활성화)'],
  [/1×1 projection \(of the pre-activated input\)$/, '1×1 투영 (사전 활성화된 입력)'],
  [/1×1 projection$/, '1×1 투영'],
  [/ \(identity path stays clean\)$/, ' (항등 경로는 그대로)'],
  [/^ReLU after the addition$/, '덧셈 뒤의 ReLU'],
];

/** A preset's description (the preset menu's tooltips). */
export function presetDescription(p: { name: string; description: string }): string {
  return lookup(`preset.${p.name}`, p.description);
}

/**
 * A document's description as shown: a preset's own English description (the document was loaded
 * from it, not edited) reads in the UI's language; anything the user wrote stays as written.
 */
export function documentDescription(description: string, presets: readonly { name: string; description: string }[]): string {
  const preset = presets.find((p) => p.description === description);
  return preset ? presetDescription(preset) : description;
}

/** A kernel preset's name and what it does (the kernel editor). */
export function kernelPresetText(p: { name: string; title: string; doc: string }): { title: string; doc: string } {
  return { title: lookup(`kernel.${p.name}.title`, p.title), doc: lookup(`kernel.${p.name}.doc`, p.doc) };
}

/** The stages of the inception cost table ("1×1 reduce", "5×5 conv", "pool proj"). */
const STAGE_KO: readonly (readonly [RegExp, string])[] = [
  [/(\d+×\d+) conv$/, '$1 합성곱'],
  [/(\d+×\d+) reduce$/, '$1 축소'],
  [/pool proj$/, '풀링 투영'],
];

export function stageText(label: string): string {
  return language() === 'ko' ? rewrite(label, STAGE_KO) : label;
}

export function roleText(role: string): string {
  return language() === 'ko' ? rewrite(role, ROLE_KO) : role;
}

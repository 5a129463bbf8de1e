import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { i18n, setLanguageChoice, t } from './index';
import { en } from './locales/en';
import { ko } from './locales/ko';
import { languageFor, resolveLanguage } from './language';
import { englishOpsCatalog } from './ops-en';
import { KO_OPS } from './ops-ko';
import { KO_DIAGNOSTICS } from './diagnostics-ko';
import { diagnosticText, fixLabel, templateKey } from './diagnostic-text';
import { opDocText, opTitle, summaryText, roleText } from './engine-text';
import { DIAGNOSTIC_CODES } from '../../../engine/src/core/diagnostics';
import { analyze, ops } from '../engine';
import type { ModelDocument } from '../engine';
import { PALETTE } from '../model/palette';
import { describeDesignChange, describeValueChange } from '../train/runs-diff';

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every leaf key ("toolbar.file.new"), plural suffixes folded ("x_one", "x_other" → "x"). */
function keys(obj: object, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const sub of keys(v, key)) out.add(sub);
    else out.add(key.replace(PLURAL, ''));
  }
  return out;
}

function values(obj: object): string[] {
  return Object.values(obj).flatMap((v) => (v && typeof v === 'object' ? values(v) : [String(v)]));
}

const placeholders = (s: string) => new Set([...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]));

/** Latin words left in a Korean sentence, other than names, units and notation that stay English. */
const STAYS_ENGLISH = new Set(
  'ReLU ReLU6 GELU SiLU Mish Leaky tanh softplus LeNet GoogLeNet ResNet ResNeXt Wide AlexNet MobileNet MobileNetV3 EfficientNet ShuffleNet ONNX TensorFlow PyTorch BN JSON CSV CNN Studio GiB MiB KiB C H W x y e min max same valid filters groups widthPerGroup start end rate size bias weightsFile version k g'.split(' '),
);
function englishWords(text: string): string[] {
  return (text.replace(/`[^`]*`|“[^”]*”/g, '').match(/[A-Za-z][A-Za-z-]*/g) ?? []).filter((w) => !STAYS_ENGLISH.has(w) && !/^[A-Z0-9-]+$/.test(w) && !/\d/.test(w));
}

function doc(nodes: ModelDocument['nodes'], edges: [string, string][] = []): ModelDocument {
  return { format: 'cnn-studio.model', version: 1, name: 'test', nodes, edges: edges.map(([s, tg], i) => ({ id: `e${i}`, source: s, target: tg })) } as ModelDocument;
}
const input = (c = 3, h = 32, w = 32) => ({ id: 'input', type: 'Input', params: { channels: c, height: h, width: w } });

/** Graphs with the mistakes learners make, by the code they raise. */
const BROKEN: Record<string, ModelDocument> = {
  'kernel-too-large': doc([input(1, 4, 4), { id: 'conv', type: 'Conv2D', params: { filters: 4, kernel: 7 } }], [['input', 'conv']]),
  'kernel-too-large (padded)': doc([input(1, 4, 4), { id: 'conv', type: 'Conv2D', params: { filters: 4, kernel: 9, padding: 1 } }], [['input', 'conv']]),
  'bad-stride': doc([input(), { id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2, stride: 3 } }], [['input', 'pool']]),
  'pool padding': doc([input(), { id: 'pool', type: 'Pool2D', params: { mode: 'avg', kernel: 2, padding: 2 } }], [['input', 'pool']]),
  'dense-needs-flatten': doc([input(), { id: 'dense', type: 'Dense', params: { units: 10 } }], [['input', 'dense']]),
  unconnected: doc([input(), { id: 'relu', type: 'Activation', params: { fn: 'relu' } }, { id: 'lonely', type: 'Flatten', params: {} }], [['input', 'relu']]),
  'missing-input': doc([input(), { id: 'add', type: 'Add', params: {} }], [['input', 'add']]),
  cycle: doc([input(), { id: 'a', type: 'Activation', params: { fn: 'relu' } }, { id: 'b', type: 'Activation', params: { fn: 'relu' } }], [['input', 'a'], ['a', 'b'], ['b', 'a']]),
  'dead-end': doc(
    [input(), { id: 'a', type: 'Activation', params: { fn: 'relu' } }, { id: 'b', type: 'Activation', params: { fn: 'tanh' } }, { id: 'out', type: 'Flatten', params: {} }],
    [['input', 'a'], ['input', 'b'], ['a', 'out']],
  ),
  'add-shape-mismatch': doc(
    [input(), { id: 'conv', type: 'Conv2D', params: { filters: 8, kernel: 3, padding: 'same' } }, { id: 'add', type: 'Add', params: {} }],
    [['input', 'conv'], ['input', 'add'], ['conv', 'add']],
  ),
  'concat-hw-mismatch': doc(
    [input(), { id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 2 } }, { id: 'cat', type: 'Concat', params: {} }],
    [['input', 'pool'], ['input', 'cat'], ['pool', 'cat']],
  ),
  'group-mismatch': doc([input(), { id: 'conv', type: 'Conv2D', params: { filters: 8, kernel: 3, groups: 2 } }], [['input', 'conv']]),
  'invalid-param': doc([input(), { id: 'conv', type: 'Conv2D', params: { filters: 0, kernel: 3 } }], [['input', 'conv']]),
  'no-input-node': doc([{ id: 'relu', type: 'Activation', params: { fn: 'relu' } }]),
  'rank-mismatch': doc([input(), { id: 'flat', type: 'Flatten', params: {} }, { id: 'conv', type: 'Conv2D', params: { filters: 4, kernel: 3 } }], [['input', 'flat'], ['flat', 'conv']]),
  'inside a module': doc([input(3, 2, 2), { id: 'res', type: 'ResidualUnit', params: { block: 'basic', filters: 8, stride: 4 } }, { id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 3 } }], [['input', 'res'], ['res', 'pool']]),
};

describe('i18n: catalogs', () => {
  it('English and Korean UI catalogs have the same keys', () => {
    const e = keys(en);
    const k = keys(ko);
    expect([...e].filter((x) => !k.has(x))).toEqual([]);
    expect([...k].filter((x) => !e.has(x))).toEqual([]);
    expect(e.size).toBeGreaterThan(100);
  });

  it('each Korean UI sentence uses the placeholders its English one has', () => {
    const flat = (o: object, prefix = ''): [string, string][] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? flat(v, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)]]));
    const enByKey = new Map(flat(en).map(([k, v]) => [k.replace(PLURAL, ''), v]));
    // Values passed beside the English sentence's own (the Korean names the file instead of quoting the host's English reason).
    const extra: Record<string, string[]> = { 'problems.weightsMissing': ['file'] };
    for (const [key, text] of flat(ko)) {
      const source = enByKey.get(key.replace(PLURAL, ''))!;
      const allowed = new Set([...placeholders(source), ...(extra[key] ?? [])]);
      expect([...placeholders(text)].filter((p) => !allowed.has(p)), key).toEqual([]);
    }
  });

  it('the Korean op catalog names every op, field, choice, palette item and group the English one has', () => {
    const e = keys(englishOpsCatalog());
    const k = keys(KO_OPS);
    expect([...e].filter((x) => !k.has(x))).toEqual([]);
    expect([...k].filter((x) => !e.has(x))).toEqual([]);
    for (const o of ops.list()) expect(KO_OPS.op[o.type], o.type).toBeDefined();
  });

  it('uses the lecture’s Korean terms', () => {
    const all = values(KO_OPS).join('\n') + values(ko).join('\n') + values(KO_DIAGNOSTICS).join('\n');
    for (const term of ['필터', '합성곱', '특성 맵', '스트라이드', '제로 패딩', '풀링', '인셉션 모듈', '잔차 유닛']) expect(all, term).toContain(term);
    expect(KO_OPS.op.Conv2D.doc).toMatch(/필터.*합성곱.*특성 맵.*스트라이드.*제로 패딩/);
    expect(KO_OPS.op.Inception.title).toBe('인셉션 모듈');
    expect(KO_OPS.op.ResidualUnit.title).toBe('잔차 유닛');
    expect(KO_OPS.op.ZeroPad2D.title).toBe('제로 패딩');
  });

  it('every diagnostic template belongs to a code the engine raises', () => {
    const codes = new Set<string>(DIAGNOSTIC_CODES);
    const templates = Object.keys(KO_DIAGNOSTICS).filter((k) => typeof (KO_DIAGNOSTICS as Record<string, unknown>)[k] === 'string' && k !== 'inside');
    for (const k of templates) expect(codes.has(k.replace(/_[\w-]+$/, '')) || codes.has(k), k).toBe(true);
    const covered = new Set(templates.map((k) => (codes.has(k) ? k : k.replace(/_[\w-]+$/, ''))));
    // Codes users meet in the editor; 'upstream-error' is an info the UI does not show, 'document-invalid' is a file error (errors.documentInvalid).
    const uncovered = DIAGNOSTIC_CODES.filter((c) => !covered.has(c));
    // 'duplicate-edge' is listed but no rule raises it today.
    expect(uncovered).toEqual(['document-invalid', 'duplicate-edge', 'upstream-error']);
    expect(covered.size).toBe(DIAGNOSTIC_CODES.length - 3);
  });
});

describe('i18n: language', () => {
  it('follows the system language unless one is chosen', () => {
    expect(languageFor(['ko-KR', 'en-US'])).toBe('ko');
    expect(languageFor(['en-GB'])).toBe('en');
    expect(languageFor(['fr-FR', 'ko'])).toBe('ko');
    expect(languageFor(['de'])).toBe('en');
    expect(languageFor([])).toBe('en');
    expect(resolveLanguage('system', ['ko_KR'])).toBe('ko');
    expect(resolveLanguage('en', ['ko-KR'])).toBe('en');
    expect(resolveLanguage('ko', ['en-US'])).toBe('ko');
  });
});

describe('i18n: sentences', () => {
  beforeAll(() => setLanguageChoice('ko'));
  afterAll(() => setLanguageChoice('system'));

  it('interpolates values in both languages', async () => {
    expect(t('palette.noMatch', { query: 'xyz' })).toBe('“xyz”에 맞는 층이 없습니다.');
    await i18n.changeLanguage('en');
    expect(t('palette.noMatch', { query: 'xyz' })).toBe('No layer matches “xyz”.');
    expect(t('canvas.inputN', { n: 2 })).toBe('Input 2');
    await i18n.changeLanguage('ko');
    expect(t('canvas.inputN', { n: 2 })).toBe('입력 2');
  });

  it('op titles, docs and card summaries read in Korean, keyed by op type', () => {
    expect(opTitle('Conv2D')).toBe('합성곱 2D');
    expect(opDocText(ops.get('Activation')!, { fn: 'tanh' })).toMatch(/^tanh는/);
    expect(opDocText(ops.get('Activation')!, { fn: 'sigmoid' })).toMatch(/^시그모이드는/);
    for (const item of PALETTE) {
      const op = ops.get(item.type)!;
      const parsed = op.params.parse(item.params);
      const summary = summaryText(op.summary(parsed, item.type === 'Conv2D' ? [[32, 8, 8]] : undefined));
      expect(englishWords(summary), `${item.key}: ${summary}`).toEqual([]);
    }
    expect(summaryText('depthwise conv 3×3, 32')).toBe('깊이별 합성곱 3×3, 32');
    expect(roleText('branch 2: 1×1 reduce')).toBe('분기 2: 1×1 축소');
    expect(roleText('shortcut: 1×1 projection')).toBe('지름길: 1×1 투영');
  });

  it('the depthwise-separable and mobile-module Explain views, and the Runs tab’s parameters, read in Korean', () => {
    // Names and notation these sentences keep: MACs, the networks built from the block, C and F of the cost formula.
    const kept = new Set(['MACs', 'Xception', 'MobileNet']);
    const texts = [ko.explain.separable, ko.explain.mobile, ko.runs.value, ko.runs.split, ko.train.result.why].flatMap(values);
    // Placeholders ({{input}}) and the tags of bold values (<weights>) are not words the user reads.
    for (const text of texts) expect(englishWords(text.replace(/\{\{\w+\}\}|<\/?\w+>/g, '')).filter((w) => !kept.has(w)), text).toEqual([]);
    expect(values(ko.explain.separable).join('\n')).toMatch(/깊이별 합성곱[^]*점별 합성곱/);
    expect(t('explain.separable.title')).toBe('깊이별 분리 합성곱이 가벼운 이유');
    // A layer parameter by the Inspector's label, its choices and switches in words, a changed type by the op's title.
    expect(
      describeDesignChange({
        kind: 'params',
        id: 'b',
        name: 'stage 2 block 1',
        type: 'InvertedResidual',
        changes: [
          { key: 'expandRatio', from: 6, to: 4 },
          { key: 'activation', from: 'relu6', to: 'hardswish' },
          { key: 'batchNorm', from: true, to: false },
        ],
      }),
    ).toBe('stage 2 block 1: 확장 비율 6 → 4, 활성화 ReLU6 → 하드 스위시, 배치 정규화 (끄면 편향에 합침) 켬 → 끔');
    expect(describeDesignChange({ kind: 'replaced', id: 'c', name: 'conv2', fromType: 'Conv2D', toType: 'SeparableConv' })).toBe('conv2: 합성곱 2D → 분리 합성곱');
    expect(describeValueChange({ key: 'optimizer.kind', from: 'adam', to: 'adamw' })).toBe('옵티마이저 Adam → AdamW');
    expect(describeValueChange({ key: 'augment.flip', from: false, to: true })).toBe('무작위 뒤집기 끔 → 켬');
  });

  for (const [name, graph] of Object.entries(BROKEN)) {
    it(`builds the Korean sentence from code + params: ${name}`, () => {
      const diags = analyze(graph).diagnostics.filter((d) => d.severity !== 'info');
      expect(diags.length, name).toBeGreaterThan(0);
      for (const d of diags) {
        expect(templateKey(d), `${d.code} ${JSON.stringify(d.params)}`).toBeDefined();
        const text = diagnosticText(d, graph);
        expect(text).not.toBe(d.message);
        expect(text).not.toMatch(/\{\{|undefined|NaN/);
        expect(englishWords(text), text).toEqual([]);
        if (d.fix) expect(englishWords(fixLabel(d, graph)), fixLabel(d, graph)).toEqual([]);
      }
    });
  }

  it('names nodes by label, and keeps the English message when no template fits', () => {
    const g = doc([input(), { id: 'dense', type: 'Dense', params: { units: 10 }, label: 'F6 dense' }], [['input', 'dense']]);
    const d = analyze(g).diagnostics.find((x) => x.code === 'dense-needs-flatten')!;
    expect(diagnosticText(d, g)).toBe('완전 연결층에는 평탄한 벡터가 필요한데 입력의 모양이 3×32×32입니다 — 앞에 평탄화(또는 전역 풀링)를 넣으세요.');
    expect(fixLabel(d, g)).toBe('이 완전 연결층 앞에 평탄화 넣기');
    const unknown = { severity: 'error' as const, code: 'duplicate-edge' as const, message: 'Two edges join the same ports.' };
    expect(diagnosticText(unknown, g)).toBe('Two edges join the same ports.');
  });

  it('the English UI shows the engine’s own messages', async () => {
    await i18n.changeLanguage('en');
    const g = BROKEN['dense-needs-flatten'];
    for (const d of analyze(g).diagnostics) expect(diagnosticText(d, g)).toBe(d.message);
    await i18n.changeLanguage('ko');
  });
});

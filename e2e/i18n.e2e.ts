/**
 * The interface in English and in Korean, following the system language (the browser's locale) with
 * a switch in the status bar. The same scenario runs in both: first launch, a preset, the Problems tab
 * with errors and their quick fix, the inspector, the Train tab, a dialog, the Explain tab of a
 * MobileNetV2 inverted residual, the Run tab of an empty graph and the 1024×700 layout. In Korean no
 * visible text is left in English, apart from names and notation that stay English (STAYS_ENGLISH).
 * Screenshots of each language go to e2e/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumPath, launchBrowser, type Browser } from './support/browser';
import { startLiveServer, type LiveServer } from './support/live-server';
import { snap } from './support/artifacts';
import { card, openEditor, selectNode } from './support/editor';
import { openDocument } from './support/live-input';
import { koreanFontEnv } from './support/korean-font';

const noChromium = !chromiumPath();

/** A model with the mistakes learners make: a Dense on a feature map (quick fix: Flatten) and a pooling window larger than its input. */
const BROKEN = {
  format: 'cnn-studio.model',
  version: 1,
  name: 'broken',
  nodes: [
    { id: 'in', type: 'Input', params: { channels: 1, height: 28, width: 28 }, position: { x: 0, y: 0 } },
    { id: 'conv', type: 'Conv2D', params: { filters: 6, kernel: 5 }, position: { x: 260, y: 0 } },
    { id: 'dense', type: 'Dense', params: { units: 10 }, position: { x: 520, y: 0 } },
    { id: 'pool', type: 'Pool2D', params: { mode: 'max', kernel: 40 }, position: { x: 260, y: 200 } },
  ],
  edges: [
    { id: 'e1', source: 'in', target: 'conv' },
    { id: 'e2', source: 'conv', target: 'dense' },
    { id: 'e3', source: 'in', target: 'pool' },
  ],
};

/**
 * Words that stay English in the Korean UI: network and dataset names, libraries and formats,
 * function names the lecture writes in Latin letters, units, keys, notation (x, C×H×W, k),
 * padding modes shown as code, authors' names in the presets' citations, and a language's own name.
 */
const STAYS_ENGLISH = new Set(
  [
    'CNN Studio ReLU GELU SiLU Mish Leaky tanh softplus Softmax',
    'LeNet GoogLeNet ResNet ResNeXt Wide AlexNet VGG MobileNet MobileNetV MBConv Xception EfficientNet ShuffleNet SENet',
    'MNIST CIFAR ONNX PyTorch TensorFlow Keras torchvision JSON CSV Markdown PNG Python',
    'MACs MAC GiB MiB KiB TiB px fp k x y e BN SE SGD Adam AdamW lr',
    'Ctrl Shift Alt Enter Escape Space Delete Tab opset valid same',
    'LeCun He Krizhevsky Szegedy Simonyan Zisserman Xie Zagoruyko Komodakis Sandler Chollet Tan Le Sobel',
    'English',
  ]
    .join(' ')
    .split(' '),
);

/**
 * Every piece of text a user can see: text nodes with a visible box, the chosen option of each
 * select, and placeholders — minus what is marked as not to be translated (translate="no": node ids,
 * the model's name and labels the user typed) and code.
 */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(VISIBLE_TEXTS) as Promise<string[]>;
}

/** Runs in the page (a string: the e2e code is typed without the DOM library). */
const VISIBLE_TEXTS = `(() => {
  const out = [];
  const skip = (el) => !!el.closest('[translate="no"], code, script, style, .react-flow__minimap');
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none' && Number(cs.opacity) > 0;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = (n.textContent || '').trim();
    const el = n.parentElement;
    if (!text || !el || skip(el) || el.tagName === 'OPTION' || !shown(el)) continue;
    out.push(text);
  }
  for (const s of document.querySelectorAll('select')) if (shown(s) && !skip(s) && s.selectedOptions[0]) out.push(s.selectedOptions[0].text);
  for (const i of document.querySelectorAll('input[placeholder], textarea[placeholder]')) if (i.placeholder && shown(i) && !skip(i) && !i.value) out.push(i.placeholder);
  return out;
})()`;

/** The language chosen in the status bar ("system", "en", "ko"). */
const languageChosen = (page: Page) => page.getByTestId('language-select').inputValue();

const chooseLanguage = (page: Page, choice: 'system' | 'en' | 'ko') => page.getByTestId('language-select').selectOption(choice);

/**
 * The English words in what the Korean UI shows (other than STAYS_ENGLISH), with the text each came
 * from. Names in “quotes” are the nodes' labels and ids as the user (or the preset) wrote them.
 */
async function englishLeft(page: Page): Promise<string[]> {
  const left: string[] = [];
  for (const text of await visibleTexts(page)) {
    const words = (text.replace(/“[^”]*”/g, '').match(/[A-Za-z]+(?:['’][A-Za-z]+)*/g) ?? []).filter((w) => !STAYS_ENGLISH.has(w) && !/^[A-Z]{1,2}$/.test(w));
    if (words.length) left.push(`${words.join(' ')}  ←  “${text.slice(0, 90)}”`);
  }
  return left;
}

interface Language {
  locale: string;
  lang: 'en' | 'ko';
  welcome: string;
  problemsTab: RegExp;
  denseProblem: RegExp;
  kernelProblem: RegExp;
  fix: string;
  confirmTitle: string;
  trainButton: string;
  separableTitle: string;
}

const LANGUAGES: Language[] = [
  {
    locale: 'en-US',
    lang: 'en',
    welcome: 'Welcome to CNN Studio',
    problemsTab: /^Problems/,
    denseProblem: /^Dense needs a flat vector, but its input is 6×24×24/,
    kernelProblem: /^Max pooling: the 40×40 kernel is larger than its 28×28 input/,
    fix: 'Insert Flatten before this Dense layer',
    confirmTitle: 'Unsaved changes',
    trainButton: 'Train',
    separableTitle: 'Why depthwise-separable convolutions are cheap',
  },
  {
    locale: 'ko-KR',
    lang: 'ko',
    welcome: 'CNN Studio에 오신 것을 환영합니다',
    problemsTab: /^문제/,
    denseProblem: /^완전 연결층에는 평탄한 벡터가 필요한데 입력의 모양이 6×24×24입니다/,
    kernelProblem: /^최대 풀링: 40×40 필터가 28×28 입력보다 큽니다/,
    fix: '이 완전 연결층 앞에 평탄화 넣기',
    confirmTitle: '저장하지 않은 변경',
    trainButton: '학습',
    separableTitle: '깊이별 분리 합성곱이 가벼운 이유',
  },
];

describe.skipIf(noChromium)('the interface in English and Korean (browser mode, Chromium) — skipped when chromium is not installed', { timeout: 240_000 }, () => {
  let server: LiveServer;

  beforeAll(async () => {
    server = await startLiveServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  for (const L of LANGUAGES) {
    describe(`system language ${L.locale}`, () => {
      let browser: Browser;
      let page: Page;
      const shot = (name: string) => snap(page, name);
      /** Korean: nothing left in English; English: the check is not about it. */
      const checkKorean = async (where: string) => {
        if (L.lang !== 'ko') return;
        expect(await englishLeft(page), where).toEqual([]);
      };

      beforeAll(async () => {
        browser = await launchBrowser({ viewport: { width: 1440, height: 900 }, locale: L.locale, env: koreanFontEnv() });
        page = browser.page;
        page.setDefaultTimeout(30_000);
      });

      afterAll(async () => {
        await browser?.close();
      });

      const fresh = (size = { width: 1440, height: 900 }) => openEditor(page, server.url, { size, declineRecovery: true });

      it('follows the system language on first launch', async () => {
        await fresh();
        await expect(page.evaluate('document.documentElement.lang')).resolves.toBe(L.lang);
        await expect(page.getByTestId('welcome').getByRole('heading', { level: 2 }).textContent()).resolves.toBe(L.welcome);
        await expect(languageChosen(page)).resolves.toBe('system');
        await checkKorean('first launch');
        await shot(`i18n-${L.lang}-first-launch`);
      });

      it('a preset: palette, cards, inspector and status bar', async () => {
        await fresh();
        await page.getByTestId('preset-select').selectOption('lenet5');
        await card(page, 'input').waitFor();
        await page.getByTestId('tab-inspector').click();
        await checkKorean('LeNet-5 loaded');
        await shot(`i18n-${L.lang}-preset-lenet5`);
        await card(page, 'c1_conv_5_5').locator('.card-type').click();
        await page.getByTestId('inspector').waitFor();
        await checkKorean('the inspector of C1');
        await page.getByTestId('open-summary').click();
        await page.getByTestId('summary-view').waitFor();
        await checkKorean('the summary dialog');
        await page.getByTestId('summary-close').click();
      });

      it('the Problems tab: errors in the learner’s language, and the quick fix', async () => {
        await fresh();
        await openDocument(page, 'broken.cnn.json', BROKEN);
        await card(page, 'dense').waitFor();
        await expect(page.getByTestId('tab-problems').textContent()).resolves.toMatch(L.problemsTab);
        await page.getByTestId('tab-problems').click();
        const dense = page.locator('[data-testid="problem"][data-code="dense-needs-flatten"]');
        const kernel = page.locator('[data-testid="problem"][data-code="kernel-too-large"]');
        await expect(dense.locator('.msg').textContent()).resolves.toMatch(L.denseProblem);
        await expect(kernel.locator('.msg').textContent()).resolves.toMatch(L.kernelProblem);
        await expect(dense.getByTestId('problem-fix').textContent()).resolves.toBe(L.fix);
        // The card's flag carries the same sentence.
        await expect(card(page, 'dense').getByTestId('node-problem').getAttribute('title')).resolves.toMatch(L.denseProblem);
        await checkKorean('Problems with two errors and a warning');
        await shot(`i18n-${L.lang}-problems`);
        await dense.getByTestId('problem-fix').click();
        await card(page, 'flatten').waitFor();
        await expect(page.locator('[data-testid="problem"][data-code="dense-needs-flatten"]').count()).resolves.toBe(0);
      });

      it('a dialog: unsaved changes', async () => {
        // The fix above left the model unsaved: New asks first.
        await page.getByTestId('cmd-new').click();
        const confirm = page.getByTestId('confirm');
        await confirm.waitFor();
        await expect(confirm.getByRole('heading').textContent()).resolves.toBe(L.confirmTitle);
        await checkKorean('the unsaved-changes dialog');
        await shot(`i18n-${L.lang}-dialog`);
        await page.getByTestId('confirm-cancel').click();
      });

      it('the Train tab', async () => {
        await page.getByTestId('tab-train').click();
        await page.getByTestId('train-tab').waitFor();
        await expect(page.getByTestId('train-start').textContent()).resolves.toBe(L.trainButton);
        await page.getByTestId('train-data-preview').waitFor({ timeout: 60_000 });
        await checkKorean('the Train tab');
        await shot(`i18n-${L.lang}-train`);
      });

      it('MobileNetV2: the Explain tab of an inverted residual (its depthwise-separable cost)', async () => {
        await fresh();
        await page.getByTestId('preset-select').selectOption('mobilenet-v2');
        // Stage 2's first block: 16 channels widened 6× to 96, depthwise 3×3/2, projected to 24.
        await selectNode(page, 'stage_2_block_1');
        await page.getByTestId('tab-explain').click();
        const view = page.getByTestId('explain-separable');
        await expect.poll(() => view.getByRole('heading').textContent()).toBe(L.separableTitle);
        await expect.poll(() => view.locator('header').textContent()).toContain('96×112×112');
        await checkKorean('the Explain tab of a MobileNetV2 inverted residual');
        await shot(`i18n-${L.lang}-explain-inverted-residual`);
      });

      it('the Run tab of an empty graph', async () => {
        await fresh();
        await page.getByTestId('tab-run').click();
        await page.getByTestId('run-status').waitFor();
        await checkKorean('the Run tab of an empty graph');
        await shot(`i18n-${L.lang}-run-empty`);
      });

      it('the 1024×700 layout', async () => {
        await fresh({ width: 1024, height: 700 });
        await page.getByTestId('preset-select').selectOption('lenet5');
        await card(page, 'input').waitFor();
        // The toolbar stays one row: groups fold into menus when the words are longer.
        const bar = (await page.getByTestId('toolbar').boundingBox())!;
        expect(bar.height).toBeLessThan(44);
        await checkKorean('1024×700 with LeNet-5');
        await shot(`i18n-${L.lang}-1024x700`);
      });
    });
  }

  it('the status bar switches the language, and the choice is kept for the next launch', async () => {
    const browser = await launchBrowser({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const page = browser.page;
    try {
      await page.goto(server.url);
      await page.getByTestId('welcome').waitFor();
      await chooseLanguage(page, 'ko');
      await expect.poll(() => page.getByTestId('welcome').getByRole('heading', { level: 2 }).textContent()).toBe('CNN Studio에 오신 것을 환영합니다');
      await expect(page.evaluate('document.documentElement.lang')).resolves.toBe('ko');
      await expect(page.getByTestId('tab-inspector').textContent()).resolves.toBe('속성');
      await page.reload();
      await page.getByTestId('welcome').waitFor();
      await expect(page.getByTestId('welcome').getByRole('heading', { level: 2 }).textContent()).resolves.toBe('CNN Studio에 오신 것을 환영합니다');
      await expect(languageChosen(page)).resolves.toBe('ko');
      // Back to the system's language (English here).
      await chooseLanguage(page, 'system');
      await expect.poll(() => page.getByTestId('welcome').getByRole('heading', { level: 2 }).textContent()).toBe('Welcome to CNN Studio');
      await page.reload();
      await expect(page.getByTestId('welcome').getByRole('heading', { level: 2 }).textContent()).resolves.toBe('Welcome to CNN Studio');
    } finally {
      await browser.close();
    }
  });
});

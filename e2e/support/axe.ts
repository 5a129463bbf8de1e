/**
 * axe-core (Deque's accessibility engine) run in the page under test. The page's CSP allows no inline
 * script, so axe is evaluated through the DevTools protocol (page.evaluate), which CSP does not govern.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { contrastRatio } from '../../renderer/src/live/contrast';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string; html: string }[];
}

/** Runs axe on the whole page (WCAG 2.0/2.1 A and AA rules, and axe's best practices); returns every violation. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] })`)) as { violations: AxeViolation[] };
  return result.violations;
}

/** The serious and critical violations, one readable line per element (empty when there are none). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const lines: string[] = [];
  for (const v of await axeViolations(page)) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    for (const n of v.nodes) lines.push(`${v.impact} ${v.id} (${v.help}): ${n.target.join(' ')} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 240)}`);
  }
  return lines;
}

/**
 * Contrast of the canvas' text, which axe leaves "incomplete" (the cards sit in a transformed layer it
 * cannot see behind): every card's title, summary and shape on the card, each problem flag's "!" on
 * its fill, and each edge label on its box. Lines name what falls below 4.5:1 (empty when nothing does).
 */
export async function canvasContrastProblems(page: Page): Promise<string[]> {
  const pairs = (await page.evaluate(`(() => {
    const out = [];
    const style = (el) => getComputedStyle(el);
    const add = (what, el, bgEl) => { if (el && style(el).visibility !== 'hidden') out.push({ what, text: (el.textContent || '').trim().slice(0, 30), fg: style(el).color, bg: style(bgEl).backgroundColor }); };
    for (const card of document.querySelectorAll('[data-testid="node-card"]')) {
      const id = card.getAttribute('data-node-id');
      for (const sel of ['.card-type', '.card-summary', '.card-shape']) add(id + ' ' + sel, card.querySelector(sel), card);
      const flag = card.querySelector('[data-testid="node-problem"]');
      if (flag) add(id + ' flag', flag, flag);
    }
    for (const label of document.querySelectorAll('[data-testid="edge-label"]')) add('edge ' + label.getAttribute('data-edge-id'), label, label);
    return out;
  })()`)) as { what: string; text: string; fg: string; bg: string }[];
  const problems: string[] = [];
  for (const p of pairs) {
    const ratio = contrastRatio(rgb(p.fg), rgb(p.bg));
    if (ratio < 4.5) problems.push(`${p.what} "${p.text}": ${p.fg} on ${p.bg} is ${ratio.toFixed(2)}:1`);
  }
  return problems;
}

function rgb(css: string): [number, number, number] {
  const m = /rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/.exec(css);
  if (!m) throw new Error(`not an rgb() colour: ${css}`);
  if (m[4] !== undefined && Number(m[4]) < 1) throw new Error(`a translucent colour cannot be judged alone: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * The seeds a person is likely to try next (RunRequest.nextSeeds): the engine makes their weights
 * while idle, so a seed edit to one of them only runs. The Reseed button's next seed is drawn ahead
 * and kept until the seed changes, so it can be one of them; the seed field's arrows step by one.
 * The order follows the last gesture: after Reseed its next seed comes first, after a step the next
 * step the same way; at first, one up. The engine makes as many as its weight cache holds (a
 * ResNet-50: the first only).
 */
import { reseed } from './RunPanel';

let planned: { from: number; to: number } | undefined;
let last: { way: 'reseed' } | { way: 'step'; by: 1 | -1 } | undefined;

/** The seed the Reseed button changes `current` to: random, drawn once per current seed. */
export function plannedReseed(current: number, random: (current: number) => number = reseed): number {
  if (planned?.from !== current) planned = { from: current, to: random(current) };
  return planned.to;
}

/** Notes how the seed changed (before the change is applied), for the order of likelySeeds. */
export function noteSeedChange(from: number, to: number): void {
  if (planned?.from === from && planned.to === to) last = { way: 'reseed' };
  else if (to - from === 1 || to - from === -1) last = { way: 'step', by: to - from === 1 ? 1 : -1 };
  else last = undefined;
}

/** The seeds likely after `current`, most likely first (valid seeds only: 0 to 2³¹ − 1). */
export function likelySeeds(current: number): number[] {
  const by = last?.way === 'step' ? last.by : 1;
  const seeds = last?.way === 'reseed' ? [plannedReseed(current), current + 1, current - 1] : [current + by, plannedReseed(current), current - by];
  return seeds.filter((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31 && s !== current);
}

/** Forgets the gestures and the drawn seed (tests). */
export function resetNextSeeds(): void {
  planned = undefined;
  last = undefined;
}

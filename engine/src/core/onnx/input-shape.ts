/**
 * The C×H×W an image model is imported at when its file leaves the size open (a graph input with a
 * symbolic height and width, as torch.onnx.export writes with dynamic_axes): the importer's
 * `inputShape` option, the CLI's `--input-shape 3x224x224`, the editor's prompt and the host
 * contract all read it through this one schema.
 */
import { z } from 'zod';
import { LIMITS, posInt } from '../ops/common';

/** Channels, height, width (the batch stays the file's). */
export type InputShape = readonly [channels: number, height: number, width: number];

/** The largest of each an Input node accepts (the smallest is 1). */
export const INPUT_SHAPE_LIMITS = { channels: LIMITS.channels, height: LIMITS.spatial, width: LIMITS.spatial } as const;

/** What an Input node accepts: whole numbers from 1 up to the op limits. */
export const InputShapeSchema = z.tuple([posInt(INPUT_SHAPE_LIMITS.channels), posInt(INPUT_SHAPE_LIMITS.height), posInt(INPUT_SHAPE_LIMITS.width)]);

/** What the editor offers first, and the importer suggests: an ImageNet-sized RGB image. */
export const DEFAULT_INPUT_SHAPE: InputShape = [3, 224, 224];

/** "3×224×224" */
export const formatInputShape = (s: readonly number[]): string => s.join('×');

/** "3x224x224" (or with ×, *, commas or spaces) → [3, 224, 224]; otherwise why not. */
export function parseInputShape(text: string): { ok: true; shape: InputShape } | { ok: false; message: string } {
  const parts = text.trim().split(/\s*[x×X*,]\s*|\s+/);
  if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) {
    return { ok: false, message: `"${text}" is not an input shape: give channels×height×width as three whole numbers, e.g. 3x224x224.` };
  }
  const [c, h, w] = parts.map(Number);
  const bad = ([[c, INPUT_SHAPE_LIMITS.channels, 'channels'], [h, INPUT_SHAPE_LIMITS.height, 'height'], [w, INPUT_SHAPE_LIMITS.width, 'width']] as const).find(([v, max]) => v < 1 || v > max);
  if (bad) return { ok: false, message: `The input shape's ${bad[2]} must be from 1 to ${bad[1].toLocaleString('en-US')}, not ${bad[0]}.` };
  return { ok: true, shape: [c, h, w] };
}

import { z } from 'zod';
import type { OpDef } from './op';
import { LIMITS, posInt } from './common';

/** How an image becomes the input tensor. Shown and edited on the Input node. */
export const PreprocessSchema = z.object({
  /** Resize (bilinear) to the node's height×width. */
  resize: z.boolean().default(true),
  /** Divide 8-bit values by 255 (to [0, 1]). */
  scale: z.boolean().default(true),
  /** Per-channel normalisation after scaling: (x − mean) / std. */
  mean: z.array(z.number().finite()).max(4).optional(),
  std: z.array(z.number().finite().positive()).max(4).optional(),
  /** Convert to one channel (luma) — the default when channels is 1. */
  grayscale: z.boolean().optional(),
});
export type Preprocess = z.infer<typeof PreprocessSchema>;

export const IMAGENET_NORMALISATION = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

const Params = z.object({
  channels: posInt(LIMITS.channels),
  height: posInt(),
  width: posInt(),
  preprocess: PreprocessSchema.optional(),
});
export type InputParams = z.infer<typeof Params>;

export const InputOp: OpDef<InputParams> = {
  type: 'Input',
  title: 'Input',
  category: 'input',
  doc: 'The image (or tensor) that enters the network, as channels × height × width.',
  params: Params,
  example: { channels: 3, height: 224, width: 224 },
  arity: { min: 0, max: 0 },
  summary: (p) => `input ${p.channels}×${p.height}×${p.width}`,
  infer: (_inputs, p) => [p.channels, p.height, p.width],
  macs: () => 0,
};

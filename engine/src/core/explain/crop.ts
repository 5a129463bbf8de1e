/**
 * Where the Explain views take a crop of a node's real input, and what padding that crop shows. A
 * node pads only at its input's border: a side of the crop that lies inside the map has real
 * neighbours there, not zeros, so it gets no padding; a side on the border keeps the node's own.
 * The crop starts on the node's stride grid, so its windows are the node's windows.
 */
import type { Pads } from '../shape';

export interface CropPlace {
  top: number;
  left: number;
  rows: number;
  cols: number;
  /** The padding to show around the crop: the node's, on the sides where the crop touches the map's border. */
  pads: Pads;
}

/**
 * A crop of up to size×size near the middle of an h×w map, for a node with padding `mapPads`
 * (resolved for the whole map: [top, left, bottom, right]) and `stride` [sh, sw].
 */
export function placeCrop(h: number, w: number, size: number, mapPads: Pads, stride: [number, number]): CropPlace {
  const rows = Math.min(size, h);
  const cols = Math.min(size, w);
  const [pt, pl, pb, pr] = mapPads;
  const align = (start: number, pad: number, s: number) => Math.max(0, start - ((start + pad) % s));
  const top = align(Math.floor((h - rows) / 2), pt, stride[0]);
  const left = align(Math.floor((w - cols) / 2), pl, stride[1]);
  const pads: Pads = [top === 0 ? pt : 0, left === 0 ? pl : 0, top + rows >= h ? pb : 0, left + cols >= w ? pr : 0];
  return { top, left, rows, cols, pads };
}

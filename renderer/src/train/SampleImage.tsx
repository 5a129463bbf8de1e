import { useEffect, useRef } from 'react';
import type { DataPreview } from '../../../engine/src/core/api';
import { chwToRgba } from './train-view';

export type Sample = DataPreview['samples'][number];

/** One training sample (uint8 C×H×W, as the network sees it) on a small canvas. */
export function SampleImage({ sample, size = 32, title, className }: { sample: Sample; size?: number; title?: string; className?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !sample.width || !sample.height) return;
    canvas.width = sample.width;
    canvas.height = sample.height;
    ctx.putImageData(new ImageData(chwToRgba(sample.data, sample.channels, sample.height, sample.width), sample.width, sample.height), 0, 0);
  }, [sample]);
  const scale = size / Math.max(sample.width, sample.height, 1);
  return (
    <canvas
      ref={ref}
      className={`train-pixelated${className ? ` ${className}` : ''}`}
      style={{ width: Math.round(sample.width * scale), height: Math.round(sample.height * scale) }}
      title={title}
      role="img"
      aria-label={title ?? `sample ${sample.index}`}
    />
  );
}

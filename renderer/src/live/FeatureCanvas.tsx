import { useEffect, useRef } from 'react';
import type { ColormapName } from './colormap';
import { mapToRgba, type ValueMap } from './feature-image';

export interface FeatureCanvasProps {
  map: ValueMap;
  colormap: ColormapName;
  /** Display size in CSS pixels (the longer side); the map is scaled with crisp pixels. */
  size: number;
  range?: [number, number];
  symmetric?: boolean;
  title?: string;
  className?: string;
  /** Hover: the map cell under the pointer and its value (undefined when the pointer leaves). */
  onHover?(cell: { x: number; y: number; value: number } | undefined): void;
  onClick?(): void;
  'data-testid'?: string;
}

/** One 2-D map drawn through a colormap onto a canvas at its own resolution, shown scaled. */
export function FeatureCanvas({ map, colormap, size, range, symmetric, title, className, onHover, onClick, ...rest }: FeatureCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || map.width === 0 || map.height === 0) return;
    canvas.width = map.width;
    canvas.height = map.height;
    ctx.putImageData(new ImageData(mapToRgba(map, colormap, { range, symmetric }) as Uint8ClampedArray<ArrayBuffer>, map.width, map.height), 0, 0);
  }, [map, colormap, range?.[0], range?.[1], symmetric]);
  const scale = size / Math.max(map.width, map.height, 1);
  // A vector (1×N) is drawn as a strip tall enough to see.
  const style = { width: Math.max(1, Math.round(map.width * scale)), height: Math.max(map.height === 1 ? Math.min(12, size) : 1, Math.round(map.height * scale)), imageRendering: 'pixelated' as const };
  const hover = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!onHover) return;
    const r = e.currentTarget.getBoundingClientRect();
    const x = Math.floor(((e.clientX - r.left) / r.width) * map.width);
    const y = Math.floor(((e.clientY - r.top) / r.height) * map.height);
    if (x < 0 || y < 0 || x >= map.width || y >= map.height) return onHover(undefined);
    onHover({ x, y, value: map.values[y * map.width + x] });
  };
  return (
    <canvas
      ref={ref}
      className={className}
      style={style}
      title={title}
      data-testid={rest['data-testid']}
      onPointerMove={onHover ? hover : undefined}
      onPointerLeave={onHover ? () => onHover(undefined) : undefined}
      onClick={onClick}
    />
  );
}

import { useEffect, useRef } from 'react';
import type { ImagePayload } from './image-decode';
import { t as tr } from '../i18n';

export interface DrawCanvasProps {
  /** Called with the drawing (28×28 RGBA, white strokes on black) after each stroke and on clear. */
  onChange(image: ImagePayload): void;
  size?: number;
  /** Shown size in CSS pixels. */
  scale?: number;
}

/**
 * Draw a digit yourself: a 28×28 canvas painted with a soft round brush, white on black like MNIST.
 */
export function DrawCanvas({ onChange, size = 28, scale = 8 }: DrawCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const last = useRef<[number, number] | undefined>(undefined);

  const clear = () => {
    const ctx = ref.current?.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, size, size);
  };
  const emit = () => {
    const ctx = ref.current?.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    const d = ctx.getImageData(0, 0, size, size).data;
    onChange({ kind: 'image', width: size, height: size, rgba: new Uint8Array(d) });
  };
  useEffect(clear, [size]);

  const at = (e: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * size, ((e.clientY - r.top) / r.height) * size];
  };
  const stroke = (to: [number, number]) => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.strokeStyle = '#fff';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = size / 11;
    ctx.beginPath();
    const from = last.current ?? to;
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0] + (from === to ? 0.01 : 0), to[1]);
    ctx.stroke();
    last.current = to;
  };

  return (
    <div className="live-draw">
      <canvas
        ref={ref}
        width={size}
        height={size}
        style={{ width: size * scale, height: size * scale, imageRendering: 'pixelated', touchAction: 'none' }}
        data-testid="draw-canvas"
        aria-label={tr('live.drawDigit')}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          drawing.current = true;
          last.current = undefined;
          stroke(at(e));
        }}
        onPointerMove={(e) => drawing.current && stroke(at(e))}
        onPointerUp={() => {
          if (!drawing.current) return;
          drawing.current = false;
          emit();
        }}
      />
      <button
        type="button"
        onClick={() => {
          clear();
          emit();
        }}
      >
        Clear
      </button>
    </div>
  );
}

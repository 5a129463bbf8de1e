/**
 * The handle between a side panel and the canvas: drag it, or focus it and use ←/→ (Shift: larger
 * steps), to resize the panel; Enter hides the panel. A WAI-ARIA window splitter.
 */
import { useRef } from 'react';
import { setPanels, useUiStore, type PanelLayout } from '../store/ui-store';
import { useT } from '../i18n';

/** Limits of each panel's width; the canvas keeps at least CANVAS_MIN px. */
export const PANEL_LIMITS = { palette: { min: 120, max: 360 }, right: { min: 260, max: 720 } } as const;
const CANVAS_MIN = 320;

export type PanelSide = keyof typeof PANEL_LIMITS;

const WIDTH_KEY = { palette: 'paletteWidth', right: 'rightWidth' } as const satisfies Record<PanelSide, keyof PanelLayout>;
const HIDDEN_KEY = { palette: 'paletteHidden', right: 'rightHidden' } as const satisfies Record<PanelSide, keyof PanelLayout>;
export const PANEL_NAME: Record<PanelSide, string> = { palette: 'layers panel', right: 'side panel' };

/** The width `side` may take in a window `windowWidth` wide, next to the other panel as it is. */
export function clampPanelWidth(side: PanelSide, want: number, panels: PanelLayout, windowWidth: number): number {
  const other = side === 'palette' ? (panels.rightHidden ? 0 : panels.rightWidth) : panels.paletteHidden ? 0 : panels.paletteWidth;
  const { min, max } = PANEL_LIMITS[side];
  const room = Math.max(min, windowWidth - other - CANVAS_MIN);
  return Math.round(Math.max(min, Math.min(max, room, want)));
}

export function setPanelHidden(side: PanelSide, hidden: boolean): void {
  setPanels({ [HIDDEN_KEY[side]]: hidden });
}

export function Splitter({ side }: { side: PanelSide }) {
  const { t } = useT();
  const panels = useUiStore((s) => s.panels);
  const width = panels[WIDTH_KEY[side]];
  const start = useRef<{ x: number; width: number } | undefined>(undefined);
  // The palette is left of its handle (dragging right widens it), the right panel is right of its handle.
  const sign = side === 'palette' ? 1 : -1;
  const resize = (want: number) => setPanels({ [WIDTH_KEY[side]]: clampPanelWidth(side, want, useUiStore.getState().panels, window.innerWidth) });
  return (
    <div
      className={`splitter splitter-${side}`}
      role="separator"
      aria-orientation="vertical"
      aria-label={t(`splitter.resize.${side}`)}
      aria-valuenow={width}
      aria-valuemin={PANEL_LIMITS[side].min}
      aria-valuemax={PANEL_LIMITS[side].max}
      tabIndex={0}
      data-testid={`splitter-${side}`}
      title={t('splitter.title')}
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        start.current = { x: e.clientX, width };
      }}
      onPointerMove={(e) => {
        if (start.current) resize(start.current.width + sign * (e.clientX - start.current.x));
      }}
      onPointerUp={() => (start.current = undefined)}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 64 : 16;
        if (e.key === 'ArrowLeft') resize(width - sign * step);
        else if (e.key === 'ArrowRight') resize(width + sign * step);
        else if (e.key === 'Enter') setPanelHidden(side, true);
        else return;
        e.preventDefault();
      }}
    />
  );
}

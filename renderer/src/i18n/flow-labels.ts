/** React Flow's own screen-reader texts (its controls, minimap, node and edge descriptions) in the UI's language. */
import { useMemo } from 'react';
import type { ReactFlowProps } from '@xyflow/react';
import { useT } from './index';

export function useFlowAriaLabels(): NonNullable<ReactFlowProps['ariaLabelConfig']> {
  const { t, lang } = useT();
  return useMemo(
    () => ({
      'node.a11yDescription.default': t('canvas.a11y.node'),
      'node.a11yDescription.keyboardDisabled': t('canvas.a11y.nodeKeyboard'),
      'node.a11yDescription.ariaLiveMessage': ({ direction, x, y }: { direction: string; x: number; y: number }) => t('canvas.a11y.moved', { direction, x, y }),
      'edge.a11yDescription.default': t('canvas.a11y.edge'),
      'controls.ariaLabel': t('canvas.a11y.controls'),
      'controls.zoomIn.ariaLabel': t('canvas.a11y.zoomIn'),
      'controls.zoomOut.ariaLabel': t('canvas.a11y.zoomOut'),
      'controls.fitView.ariaLabel': t('canvas.a11y.fitView'),
      'controls.interactive.ariaLabel': t('canvas.a11y.interactive'),
      'minimap.ariaLabel': t('canvas.minimap'),
      'handle.ariaLabel': t('canvas.a11y.handle'),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [lang],
  );
}

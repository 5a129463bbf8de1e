import { useMemo } from 'react';
import type { FeaturePreview } from '../../../engine/src/core/api';
import type { ColormapName } from './colormap';
import { FeatureCanvas } from './FeatureCanvas';
import { thumbnailMap, type ThumbnailMode } from './feature-image';
import './live.css';
import { t as tr } from '../i18n';

export interface FeatureThumbnailProps {
  preview?: FeaturePreview;
  mode?: ThumbnailMode;
  colormap?: ColormapName;
  /** Longer side in CSS pixels. */
  size?: number;
  /** Shown instead of the picture when there is no preview (not run yet, skipped). */
  placeholder?: string;
  /** Changes with every run (lets tests and the eye see an update). */
  runId?: number;
  nodeId?: string;
}

/** A node's output at a glance: the mean over its channels (or its first channel) through a colormap. */
export function FeatureThumbnail({ preview, mode = 'mean', colormap = 'viridis', size = 56, placeholder, runId, nodeId }: FeatureThumbnailProps) {
  const map = useMemo(() => (preview ? thumbnailMap(preview, mode) : undefined), [preview, mode]);
  if (!map) {
    return placeholder ? (
      <div className="live-thumb live-thumb-empty" style={{ width: size, height: size }} data-testid="feature-thumbnail-empty" data-node-id={nodeId}>
        {placeholder}
      </div>
    ) : null;
  }
  return (
    <div className="live-thumb" data-testid="feature-thumbnail" data-node-id={nodeId} data-run-id={runId} data-mode={mode}>
      <FeatureCanvas map={map} colormap={colormap} size={size} title={mode === 'mean' ? tr('live.fmap.meanOver', { count: preview!.channels }) : tr('live.fmap.firstChannel')} />
    </div>
  );
}

import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, Position, type Edge, type EdgeProps } from '@xyflow/react';
import type { ShapeEdgeData } from './flow-model';
import { lanePath } from './edge-route';

/** An edge labelled with the tensor shape it carries (C×H×W); red with the message when it is in error. */
export const ShapeEdge = memo(function ShapeEdge(props: EdgeProps<Edge<ShapeEdgeData>>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  // An edge that would pass behind a card runs along a lane around it (flow-model.ts decides which).
  const routed = data?.lane !== undefined ? lanePath({ x: sourceX, y: sourceY }, { x: targetX, y: targetY }, data.lane, sourcePosition === Position.Bottom ? 'TB' : 'LR') : undefined;
  const [path, lx, ly] = routed ? [routed.path, routed.labelX, routed.labelY] : getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const error = data?.error;
  return (
    <>
      <g className={`shape-edge ${error ? 'edge-error' : ''} ${selected ? 'edge-selected' : ''}`} data-testid="edge" data-edge-id={id} data-error={error ? 'true' : 'false'} data-routed={data?.lane !== undefined ? 'true' : undefined}>
        {error && <title>{error}</title>}
        <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={16} />
      </g>
      {(data?.label || error) && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label nodrag nopan ${error ? 'error' : ''} ${selected ? 'selected' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${ly}px)` }}
            data-testid="edge-label"
            data-edge-id={id}
            title={error}
          >
            {data?.label ?? '!'}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

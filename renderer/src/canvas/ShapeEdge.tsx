import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import type { ShapeEdgeData } from './flow-model';

/** An edge labelled with the tensor shape it carries (C×H×W); red with the message when it is in error. */
export const ShapeEdge = memo(function ShapeEdge(props: EdgeProps<Edge<ShapeEdgeData>>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd } = props;
  const [path, lx, ly] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const error = data?.error;
  return (
    <>
      <g className={`shape-edge ${error ? 'edge-error' : ''} ${selected ? 'edge-selected' : ''}`} data-testid="edge" data-edge-id={id} data-error={error ? 'true' : 'false'}>
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

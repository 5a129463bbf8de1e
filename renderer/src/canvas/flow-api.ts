/** The React Flow instance, for commands that act on the viewport (fit, zoom, centre on a node). */
import type { ReactFlowInstance } from '@xyflow/react';

let instance: ReactFlowInstance | undefined;

export function registerFlow(rf: ReactFlowInstance | undefined): void {
  instance = rf;
}

export function flowApi(): ReactFlowInstance | undefined {
  return instance;
}

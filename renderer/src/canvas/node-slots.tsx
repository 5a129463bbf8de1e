/**
 * Extension points of the node card, filled by features built on the editor (feature-map
 * thumbnails from live inference, run badges). Each slot is a component given the document node id;
 * it should read its own store so the card does not re-render on every run.
 */
import { createContext, useContext, type ComponentType } from 'react';

export interface NodeSlots {
  /** Under the output shape: e.g. a feature-map thumbnail. */
  Thumbnail?: ComponentType<{ nodeId: string }>;
  /**
   * Height in CSS px the Thumbnail slot adds to a card when it shows something; layouts (auto-layout
   * estimates, an opened module's header) reserve it so cards do not overlap once thumbnails appear.
   */
  thumbnailHeight?: number;
  /** In the header, right side: e.g. a run-state badge. */
  Badge?: ComponentType<{ nodeId: string }>;
  /** An image file dropped anywhere on the canvas (a card, the Input card, the empty pane): the image to run. */
  dropImage?(file: File): void;
}

export const NodeSlotsContext = createContext<NodeSlots>({});

export function useNodeSlots(): NodeSlots {
  return useContext(NodeSlotsContext);
}

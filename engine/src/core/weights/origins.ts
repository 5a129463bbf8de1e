import type { ModelDocument } from '../document/schema';
import type { PrimitiveGraph } from '../graph/types';
import { inlineWeightKey } from './resolve';

/** How many of a graph's randomly initialised weights (conv and dense kernels) the document gives. */
export interface RandomWeightOrigins {
  /** He-initialised weights the document gives values for (inline or from its sidecar). */
  given: number;
  /** Those it does not: they run with seeded random values. */
  seeded: number;
}

/**
 * Counts the weights that would otherwise be random — batch norms' identity defaults and zero
 * biases are not counted: they are no less "trained" than any other starting point.
 */
export function randomWeightOrigins(doc: ModelDocument, primitives: PrimitiveGraph): RandomWeightOrigins {
  const owners = new Map(doc.nodes.map((n) => [n.id, n]));
  const origins: RandomWeightOrigins = { given: 0, seeded: 0 };
  for (const prim of primitives.nodes) {
    for (const spec of prim.weights) {
      if (spec.init !== 'he') continue;
      if (owners.get(prim.owner)?.weights?.[inlineWeightKey(prim, spec.name)]) origins.given++;
      else origins.seeded++;
    }
  }
  return origins;
}

/**
 * Why the class scores of a network with random kernels are no prediction, or undefined when the
 * document gives every kernel. `seed` is the one the random kernels come from.
 */
export function untrainedWarning(origins: RandomWeightOrigins, seed: number): string | undefined {
  if (origins.seeded === 0) return undefined;
  if (origins.given === 0) return `Untrained: every weight is random (seed ${seed}), so these classes say nothing about the input.`;
  return `${origins.seeded} of ${origins.given + origins.seeded} conv and dense kernels are random (seed ${seed}): these classes are not a prediction until every layer has trained weights.`;
}

import { expandResidualUnit, usesProjection, type ResidualUnitParams } from '../ops/residual-unit';
import type { SubgraphNode } from '../ops/op';
import type { Shape } from '../shape';

export type ResidualPath = 'residual' | 'shortcut' | 'merge' | 'after';

export interface ResidualStep {
  id: string;
  type: string;
  /** The expansion's role text ("residual: conv 3×3"). */
  role: string;
  /** Short label for the inside view ("conv 3×3/2", "BN", "ReLU", "+"). */
  label: string;
  path: ResidualPath;
}

export interface ResidualOrdering {
  preActivation: boolean;
  title: string;
  /** Steps on the residual branch, in order. */
  residual: ResidualStep[];
  /** Steps on the shortcut: empty for an identity shortcut. */
  shortcut: ResidualStep[];
  /** The addition, then anything after it (ReLU in the original form). */
  merge: ResidualStep[];
  identityShortcut: boolean;
}

function pathOf(n: SubgraphNode): ResidualPath {
  const role = n.role ?? '';
  if (role.startsWith('shortcut')) return 'shortcut';
  if (role.startsWith('add')) return 'merge';
  if (role.startsWith('residual')) return 'residual';
  return 'after';
}

function labelOf(n: SubgraphNode): string {
  switch (n.type) {
    case 'Conv2D': {
      const p = n.params as { kernel: number; stride: number; filters: number };
      return `conv ${p.kernel}×${p.kernel}${p.stride > 1 ? `/${p.stride}` : ''}, ${p.filters}`;
    }
    case 'BatchNorm':
      return 'BN';
    case 'Activation':
      return 'ReLU';
    case 'Add':
      return '+';
    default:
      return n.type;
  }
}

/** One ordering of a residual unit, split into the residual branch, the shortcut and the merge. */
export function residualOrdering(p: ResidualUnitParams, input: Shape): ResidualOrdering {
  const sub = expandResidualUnit(p, input);
  const steps = sub.nodes.map((n) => ({ id: n.id, type: n.type, role: n.role ?? n.type, label: labelOf(n), path: pathOf(n) }));
  return {
    preActivation: p.preActivation,
    title: p.preActivation ? 'Pre-activation (He et al. 2016, “Identity Mappings”)' : 'Original (ResNet v1, He et al. 2015)',
    residual: steps.filter((s) => s.path === 'residual'),
    shortcut: steps.filter((s) => s.path === 'shortcut'),
    merge: steps.filter((s) => s.path === 'merge' || s.path === 'after'),
    identityShortcut: !usesProjection(p, input),
  };
}

/** The original and the pre-activation ordering of the same unit, side by side (the current one first). */
export function residualComparison(p: ResidualUnitParams, input: Shape): [ResidualOrdering, ResidualOrdering] {
  const current = residualOrdering(p, input);
  const other = residualOrdering({ ...p, preActivation: !p.preActivation }, input);
  return [current, other];
}

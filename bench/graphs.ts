/** Documents for benchmarks: presets with their composites expanded, and large synthetic graphs. */
import { analyze } from '../engine/src/core/graph/analyze';
import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument, type ModelNode } from '../engine/src/core/document/schema';

/** The same network with every composite replaced by its primitives (one document node per primitive). */
export function expandComposites(doc: ModelDocument): ModelDocument {
  const a = analyze(doc);
  if (!a.valid) throw new Error(`expandComposites: "${doc.name}" is not valid`);
  const nodes: ModelNode[] = a.primitives.nodes.map((p) => ({ id: p.id, type: p.type, params: p.params }));
  const edges: ModelDocument['edges'] = [];
  for (const p of a.primitives.nodes) {
    p.inputs.forEach((source, port) => edges.push({ id: `${source}->${p.id}#${port}`, source, target: p.id, targetPort: port }));
  }
  return { format: MODEL_FORMAT, version: MODEL_VERSION, name: `${doc.name} (expanded)`, nodes, edges };
}

/**
 * A valid synthetic graph of about `n` primitive nodes: repeated blocks of conv → BN → ReLU with an
 * Add skip every block and a two-branch Concat every few blocks, downsampling now and then —
 * the mix of single-input chains and merges real networks have.
 */
export function syntheticGraph(n: number): ModelDocument {
  const nodes: ModelNode[] = [{ id: 'input', type: 'Input', params: { channels: 16, height: 64, width: 64 } }];
  const edges: ModelDocument['edges'] = [];
  let k = 0;
  const add = (type: string, params: Record<string, unknown>, inputs: string[]): string => {
    const id = `n${k++}`;
    nodes.push({ id, type, params });
    inputs.forEach((source, port) => edges.push({ id: `e${edges.length}`, source, target: id, ...(inputs.length > 1 ? { targetPort: port } : {}) }));
    return id;
  };
  let x = 'input';
  let channels = 16;
  let size = 64;
  let block = 0;
  while (nodes.length < n) {
    const c1 = add('Conv2D', { filters: channels, kernel: 3, padding: 'same', bias: false }, [x]);
    const b1 = add('BatchNorm', {}, [c1]);
    const r1 = add('Activation', { fn: 'relu' }, [b1]);
    const c2 = add('Conv2D', { filters: channels, kernel: 3, padding: 1, bias: false }, [r1]);
    const b2 = add('BatchNorm', {}, [c2]);
    const sum = add('Add', {}, [b2, x]);
    x = add('Activation', { fn: 'relu' }, [sum]);
    if (block % 4 === 3) {
      const left = add('Conv2D', { filters: channels / 2, kernel: 1 }, [x]);
      const right = add('Pool2D', { mode: 'max', kernel: 3, stride: 1, padding: 1 }, [x]);
      const proj = add('Conv2D', { filters: channels / 2, kernel: 1 }, [right]);
      x = add('Concat', {}, [left, proj]);
    }
    if (block % 16 === 15 && size > 4) {
      x = add('Pool2D', { mode: 'max', kernel: 2 }, [x]);
      size /= 2;
    }
    block++;
  }
  return { format: MODEL_FORMAT, version: MODEL_VERSION, name: `synthetic ${nodes.length}-node graph`, nodes, edges };
}

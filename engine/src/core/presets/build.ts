import { MODEL_FORMAT, MODEL_VERSION, type ModelDocument, type ModelNode } from '../document/schema';

/** One layer as a preset declares it: type, params and an optional human label. */
export interface LayerSpec {
  type: string;
  params?: Record<string, unknown>;
  label?: string;
  /** Explicit id; otherwise derived from the label or the type. */
  id?: string;
}

/**
 * Builds a preset document layer by layer. `add` appends a node fed by the current one (a chain);
 * `addFrom` feeds a node from named nodes (branches, merges). Ids are readable and unique; no
 * positions — the editor lays presets out itself.
 */
export class PresetBuilder {
  private readonly nodes: ModelNode[] = [];
  private readonly edges: ModelDocument['edges'] = [];
  private readonly used = new Set<string>();
  private current: string | undefined;
  private classNames: string[] | undefined;

  constructor(
    private readonly name: string,
    private readonly description: string,
  ) {}

  /** The id of the last node added. */
  get last(): string {
    if (!this.current) throw new Error('PresetBuilder: no node added yet');
    return this.current;
  }

  add(layer: LayerSpec): this {
    return this.addFrom(this.current ? [this.current] : [], layer);
  }

  addFrom(sources: string[], layer: LayerSpec): this {
    const id = this.uniqueId(layer.id ?? slug(layer.label ?? layer.type));
    const node: ModelNode = { id, type: layer.type, params: layer.params ?? {} };
    if (layer.label) node.label = layer.label;
    this.nodes.push(node);
    sources.forEach((source, port) => {
      const edge: ModelDocument['edges'][number] = { id: `${source}->${id}`, source, target: id };
      if (sources.length > 1) edge.targetPort = port;
      this.edges.push(edge);
    });
    this.current = id;
    return this;
  }

  /** Names of the output's classes, in order (the document's `labels`). */
  labels(names: string[]): this {
    this.classNames = [...names];
    return this;
  }

  build(): ModelDocument {
    return { format: MODEL_FORMAT, version: MODEL_VERSION, name: this.name, description: this.description, ...(this.classNames ? { labels: this.classNames } : {}), nodes: this.nodes, edges: this.edges };
  }

  private uniqueId(base: string): string {
    let id = base;
    for (let k = 2; this.used.has(id); k++) id = `${base}_${k}`;
    this.used.add(id);
    return id;
  }
}

/** "inception 3a" → "inception_3a" */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'node';
}

export const relu = (label?: string): LayerSpec => ({ type: 'Activation', params: { fn: 'relu' }, label });

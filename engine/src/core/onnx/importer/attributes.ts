/** Typed access to an ONNX node's attributes, with defaults. */
import type { AttributeProto, NodeProto, TensorProto } from '../proto';

export class Attributes {
  private readonly map = new Map<string, AttributeProto>();

  constructor(node: NodeProto) {
    for (const a of node.attribute ?? []) if (a.name) this.map.set(a.name, a);
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const a = this.map.get(name);
    return a?.i !== undefined ? Number(a.i) : fallback;
  }

  float(name: string, fallback: number): number;
  float(name: string): number | undefined;
  float(name: string, fallback?: number): number | undefined {
    const a = this.map.get(name);
    return a?.f !== undefined ? Number(a.f) : fallback;
  }

  ints(name: string): number[] | undefined {
    const a = this.map.get(name);
    return a?.ints ? a.ints.map(Number) : undefined;
  }

  floats(name: string): number[] | undefined {
    const a = this.map.get(name);
    return a?.floats ? a.floats.map(Number) : undefined;
  }

  string(name: string, fallback: string): string {
    const a = this.map.get(name);
    if (!a?.s) return fallback;
    let s = '';
    for (const b of a.s) s += String.fromCharCode(b);
    return s;
  }

  tensor(name: string): TensorProto | undefined {
    return this.map.get(name)?.t;
  }
}

import type { OpDef } from './op';

/** The op registry. Registering a type twice is a programming error and throws. */
export class OpRegistry {
  private readonly ops = new Map<string, OpDef>();

  register(op: OpDef): void {
    if (this.ops.has(op.type)) throw new Error(`Op "${op.type}" is registered twice`);
    this.ops.set(op.type, op);
  }

  get(type: string): OpDef | undefined {
    return this.ops.get(type);
  }

  has(type: string): boolean {
    return this.ops.has(type);
  }

  list(): OpDef[] {
    return [...this.ops.values()];
  }
}

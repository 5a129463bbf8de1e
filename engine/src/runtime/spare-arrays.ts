/**
 * Arrays of dropped seeded weights, kept to be filled again. A seed edit of ResNet-50 makes 25.5 M
 * values (102 MB) in new arrays; writing memory for the first time costs this machine about as much
 * as computing the values (first touch of 51 MB: 25–35 ms, a second fill 2–3 ms), because every
 * page faults in. The weight cache drops an older seed's arrays when it is over its budget
 * (WeightCache's `onEvict`); they come here, and the next seed's weights of the same sizes are made
 * into them instead of into fresh memory.
 *
 * An array is handed out only while its owner says nothing still reads it (`inUse`: a session
 * being created from a graph that holds it, a run feeding it, a bake about to copy it). Kept arrays
 * are bounded (`budgetBytes`, oldest dropped first) and all let go once none has been asked for in
 * `idleMs`, so an editor left alone holds no more memory than before.
 */
export interface SpareArraysOptions {
  /** At most this many bytes kept. Default 128 MiB (ResNet-50's seeded weights are 102 MB). */
  budgetBytes?: number;
  /** All kept arrays are let go after this long without an offer or a take. Default 30 s. */
  idleMs?: number;
}

export class SpareArrays {
  /** By length, oldest first. */
  private readonly byLength = new Map<number, Float32Array<ArrayBuffer>[]>();
  /** Every kept array, oldest first (the budget drops from the front). */
  private order: Float32Array<ArrayBuffer>[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: SpareArraysOptions = {}) {}

  /** Keeps `array` for reuse if it owns its whole buffer (only such an array can be transferred to a thread and back). */
  offer(array: Float32Array): void {
    if (!isWhole(array) || array.byteLength === 0) return;
    const budget = this.options.budgetBytes ?? 128 * 2 ** 20;
    if (array.byteLength > budget) return;
    const list = this.byLength.get(array.length) ?? [];
    list.push(array);
    this.byLength.set(array.length, list);
    this.order.push(array);
    this.bytes += array.byteLength;
    while (this.bytes > budget) this.remove(this.order[0]);
    this.touch();
  }

  /** A kept array of exactly `length` values that `inUse` does not claim, no longer kept; undefined if none. */
  take(length: number, inUse: (array: Float32Array) => boolean): Float32Array<ArrayBuffer> | undefined {
    const list = this.byLength.get(length);
    const found = list?.find((a) => !inUse(a));
    if (!found) return undefined;
    this.remove(found);
    this.touch();
    return found;
  }

  get size(): number {
    return this.order.length;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.byLength.clear();
    this.order = [];
    this.bytes = 0;
  }

  private remove(array: Float32Array<ArrayBuffer>): void {
    const list = this.byLength.get(array.length)!;
    list.splice(list.indexOf(array), 1);
    if (list.length === 0) this.byLength.delete(array.length);
    this.order.splice(this.order.indexOf(array), 1);
    this.bytes -= array.byteLength;
  }

  private touch(): void {
    clearTimeout(this.timer);
    this.timer = this.size ? setTimeout(() => this.clear(), this.options.idleMs ?? 30_000) : undefined;
    (this.timer as { unref?: () => void } | undefined)?.unref?.();
  }
}

/** An array over the whole of an ArrayBuffer of its own. */
function isWhole(array: Float32Array): array is Float32Array<ArrayBuffer> {
  return array.buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.buffer.byteLength === array.byteLength;
}

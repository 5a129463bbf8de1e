import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, WireError } from './wire';

describe('wire codec', () => {
  it('round-trips nested JSON with typed arrays as binary views', () => {
    const msg = {
      kind: 'reply',
      id: 7,
      reply: { ok: true, value: { data: Float32Array.of(1.5, -2, 3e-8), bytes: Uint8Array.of(1, 2, 3), list: [Int32Array.of(-1), null, 'x'] } },
    };
    const frame = encodeMessage(msg);
    const back = decodeMessage(frame) as typeof msg;
    expect(back).toEqual(msg);
    expect(back.reply.value.data).toBeInstanceOf(Float32Array);
    // The float data is in the frame as raw bytes, not as JSON text.
    expect(new TextDecoder().decode(frame)).not.toContain('1.5,');
  });

  it('keeps the frame compact: a 1 MiB Float32Array costs ~1 MiB', () => {
    const big = new Float32Array(262_144).map((_, i) => Math.sin(i));
    const frame = encodeMessage({ big });
    expect(frame.byteLength).toBeLessThan(big.byteLength + 200);
    expect((decodeMessage(frame) as { big: Float32Array }).big).toEqual(big);
  });

  it('aligns buffers so Float32Array decodes without copying', () => {
    const frame = encodeMessage({ a: Uint8Array.of(1, 2, 3), b: Float32Array.of(4, 5) });
    const back = decodeMessage(frame) as { b: Float32Array };
    expect(back.b.buffer).toBe(frame.buffer);
  });

  it('encodes subarray views by their visible range only', () => {
    const whole = Float32Array.of(0, 1, 2, 3, 4);
    const back = decodeMessage(encodeMessage({ v: whole.subarray(1, 3) })) as { v: Float32Array };
    expect(Array.from(back.v)).toEqual([1, 2]);
  });

  it('preserves undefined argument slots, non-finite numbers, and user keys that look like markers', () => {
    const value = { args: ['t', undefined, 'n'], n: [NaN, Infinity, -Infinity], trick: { $ta: 'f32', i: 0, n: 1 }, u: { $u: 1 } };
    expect(decodeMessage(encodeMessage(value))).toEqual(value);
  });

  it('rejects garbage and truncated frames with WireError', () => {
    expect(() => decodeMessage(new TextEncoder().encode('{"kind":"call"}'))).toThrow(WireError);
    const frame = encodeMessage({ x: new Float32Array(100) });
    expect(() => decodeMessage(frame.subarray(0, frame.length - 50))).toThrow(WireError);
    expect(() => encodeMessage({ f: () => 1 })).toThrow(WireError);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => encodeMessage(cyc)).toThrow(WireError);
  });

  it('keeps own "__proto__" keys (node ids are user text)', () => {
    const v = JSON.parse('{"nodes":{"__proto__":{"shape":[1,2]}},"x":{"__proto__":false}}');
    expect(decodeMessage(encodeMessage(v))).toEqual(v);
    expect(Object.keys((decodeMessage(encodeMessage(v)) as { nodes: object }).nodes)).toEqual(['__proto__']);
  });

  it('round-trips arbitrary JSON values (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(decodeMessage(encodeMessage(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('wire codec on misaligned input', () => {
  it('decodes a frame that starts at an odd offset of its buffer', () => {
    const frame = encodeMessage({ v: Float32Array.of(1, 2, 3), d: Float64Array.of(0.5) });
    const shifted = new Uint8Array(frame.length + 1);
    shifted.set(frame, 1);
    expect(decodeMessage(shifted.subarray(1))).toEqual({ v: Float32Array.of(1, 2, 3), d: Float64Array.of(0.5) });
  });
});

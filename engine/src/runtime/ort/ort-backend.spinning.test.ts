import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../core/graph/analyze';
import { getPreset } from '../../core/presets';
import { OrtBackend } from './ort-backend';

const backend = new OrtBackend({ threads: 2 });
afterAll(() => backend.dispose());

/** Milliseconds of CPU this process (every thread) spends during `ms` of doing nothing. */
async function idleCpuMs(ms: number): Promise<number> {
  const before = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / 1000;
}

describe('onnxruntime backend — threads after a run', () => {
  // onnxruntime's pool threads spin on after a run by default: ~36 ms of CPU (two threads, a
  // 1 ms LeNet-5 run), whatever the machine's load, since a spin is counted in iterations. With
  // force_spinning_stop they sleep the moment the run returns.
  it('stop spinning when the run returns: the idle process takes (almost) no CPU', async () => {
    const doc = getPreset('lenet5');
    const analysis = analyze(doc);
    const input = new Float32Array(32 * 32).fill(0.5);
    const spent: number[] = [];
    for (let i = 0; i < 3; i++) {
      await backend.run(doc, analysis, { input }, { previews: true, tensors: [] });
      spent.push(await idleCpuMs(250));
    }
    expect(Math.min(...spent)).toBeLessThan(12);
  });
});

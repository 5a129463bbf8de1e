import { describe, expect, it } from 'vitest';
import { crc32, storedZip, torchSaveStateDict } from './torch-save';
import { pythonClassName, pythonNames } from './python-names';

/** Entries of a stored (uncompressed) zip, read through the central directory, checking each CRC. */
function readZip(zip: Uint8Array): Record<string, Uint8Array> {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  expect(v.getUint32(end, true)).toBe(0x06054b50);
  const count = v.getUint16(end + 10, true);
  let p = v.getUint32(end + 16, true);
  const out: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    expect(v.getUint32(p, true)).toBe(0x02014b50);
    const crc = v.getUint32(p + 16, true);
    const size = v.getUint32(p + 20, true);
    const nameLen = v.getUint16(p + 28, true);
    const local = v.getUint32(p + 42, true);
    const name = Buffer.from(zip.subarray(p + 46, p + 46 + nameLen)).toString('utf8');
    const dataAt = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    const data = zip.subarray(dataAt, dataAt + size);
    expect(crc32(data), name).toBe(crc);
    out[name] = data;
    p += 46 + nameLen;
  }
  return out;
}

describe('torch.save writer', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('lays out data.pkl, one 64-byte-aligned storage per tensor, byteorder and version', () => {
    const zip = torchSaveStateDict([
      ['fc.weight', { data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] }],
      ['bn.num_batches_tracked', { data: new BigInt64Array(1), shape: [] }],
    ]);
    const files = readZip(zip);
    expect(Object.keys(files)).toEqual(['archive/data.pkl', 'archive/data/0', 'archive/data/1', 'archive/byteorder', 'archive/version']);
    expect(Array.from(new Float32Array(files['archive/data/0'].slice().buffer))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(files['archive/data/0'].byteOffset % 64).toBe(0);
    expect(Buffer.from(files['archive/byteorder']).toString()).toBe('little');
    const pkl = Buffer.from(files['archive/data.pkl']).toString('latin1');
    expect(pkl.startsWith('\x80\x02ccollections\nOrderedDict\n')).toBe(true);
    expect(pkl).toContain('ctorch._utils\n_rebuild_tensor_v2\n');
    expect(pkl).toContain('ctorch\nFloatStorage\n');
    expect(pkl).toContain('ctorch\nLongStorage\n');
    expect(pkl.endsWith('u.')).toBe(true);
  });

  it('an empty zip is just the end record', () => {
    expect(storedZip([]).length).toBe(22);
  });
});

describe('Python names', () => {
  it('turn node ids into unique identifiers PyTorch accepts as submodule names', () => {
    const names = pythonNames(['conv 1', 'conv-1', '1x1', 'layer1.0', 'forward', 'class', 'x', '_hidden', '']);
    expect([...names.values()]).toEqual(['conv_1', 'conv_1_2', 'n1x1', 'layer1_0', 'forward_', 'class_', 'x_', 'hidden', 'node']);
  });

  it('model names become class names', () => {
    expect(pythonClassName('ResNet-18')).toBe('ResNet18');
    expect(pythonClassName('my first cnn')).toBe('MyFirstCnn');
    expect(pythonClassName('3 layers')).toBe('Net3Layers');
    expect(pythonClassName('---')).toBe('Model');
  });
});

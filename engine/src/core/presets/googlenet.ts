import { PresetBuilder, relu } from './build';
import type { ModelDocument } from '../document/schema';
import { IMAGENET_INPUT } from './alexnet';

/** The six numbers of each inception module, from Table 1 of "Going deeper with convolutions". */
const INCEPTION_TABLE: Record<string, [number, number, number, number, number, number]> = {
  '3a': [64, 96, 128, 16, 32, 32],
  '3b': [128, 128, 192, 32, 96, 64],
  '4a': [192, 96, 208, 16, 48, 64],
  '4b': [160, 112, 224, 24, 64, 64],
  '4c': [128, 128, 256, 24, 64, 64],
  '4d': [112, 144, 288, 32, 64, 64],
  '4e': [256, 160, 320, 32, 128, 128],
  '5a': [256, 160, 320, 32, 128, 128],
  '5b': [384, 192, 384, 48, 128, 128],
};

/**
 * GoogLeNet exactly as Table 1 of Szegedy et al. (2014): 7×7/2 conv, 3×3/2 max pool, LRN,
 * 1×1 conv, 3×3 conv, LRN, 3×3/2 max pool, inception 3a–3b, max pool, 4a–4e, max pool, 5a–5b,
 * 7×7 average pool, 40% dropout, FC 1000, softmax. Convolutions have biases; no auxiliary
 * classifiers. Pools round up (ceil) so the maps go 112 → 56 → 28 → 14 → 7. 6,998,552 parameters.
 */
export function googlenet(): ModelDocument {
  const b = new PresetBuilder('GoogLeNet', 'GoogLeNet (Szegedy et al., 2014), Table 1: a stem of plain convolutions, then nine inception modules.');
  const maxPool = (id: string, label: string) => ({ type: 'Pool2D', params: { mode: 'max', kernel: 3, stride: 2, ceil: true }, label, id });
  const inception = (name: string) => {
    const [c1x1, c3x3reduce, c3x3, c5x5reduce, c5x5, poolProj] = INCEPTION_TABLE[name];
    b.add({ type: 'Inception', params: { c1x1, c3x3reduce, c3x3, c5x5reduce, c5x5, poolProj }, label: `inception ${name}` });
  };
  b.add({ type: 'Input', params: IMAGENET_INPUT, label: 'input', id: 'input' });
  b.add({ type: 'Conv2D', params: { filters: 64, kernel: 7, stride: 2, padding: 3 }, label: 'conv 7×7/2', id: 'conv1' });
  b.add({ ...relu('conv 7×7/2 ReLU'), id: 'conv1_relu' });
  b.add(maxPool('pool1', 'max pool 3×3/2'));
  b.add({ type: 'LRN', params: { size: 5, alpha: 1e-4, beta: 0.75, bias: 1 }, label: 'LRN', id: 'lrn1' });
  b.add({ type: 'Conv2D', params: { filters: 64, kernel: 1 }, label: 'conv 1×1 reduce', id: 'conv2_reduce' });
  b.add({ ...relu('conv 1×1 ReLU'), id: 'conv2_reduce_relu' });
  b.add({ type: 'Conv2D', params: { filters: 192, kernel: 3, padding: 1 }, label: 'conv 3×3', id: 'conv2' });
  b.add({ ...relu('conv 3×3 ReLU'), id: 'conv2_relu' });
  b.add({ type: 'LRN', params: { size: 5, alpha: 1e-4, beta: 0.75, bias: 1 }, label: 'LRN', id: 'lrn2' });
  b.add(maxPool('pool2', 'max pool 3×3/2'));
  inception('3a');
  inception('3b');
  b.add(maxPool('pool3', 'max pool 3×3/2'));
  for (const name of ['4a', '4b', '4c', '4d', '4e']) inception(name);
  b.add(maxPool('pool4', 'max pool 3×3/2'));
  inception('5a');
  inception('5b');
  b.add({ type: 'Pool2D', params: { mode: 'avg', kernel: 7, stride: 1 }, label: 'avg pool 7×7', id: 'pool5' });
  b.add({ type: 'Dropout', params: { rate: 0.4 }, label: 'dropout 40%', id: 'dropout' });
  b.add({ type: 'Dense', params: { units: 1000 }, label: 'fc 1000', id: 'fc' });
  b.add({ type: 'Softmax', label: 'softmax' });
  return b.build();
}

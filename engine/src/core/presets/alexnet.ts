import { PresetBuilder, relu } from './build';
import type { ModelDocument } from '../document/schema';

const IMAGENET_INPUT = { channels: 3, height: 224, width: 224 };

/**
 * AlexNet as torchvision builds it (the "one weird trick" variant: 64-192-384-256-256 filters, no
 * LRN, no groups). At 224×224 the feature map before the classifier is already 256×6×6, so
 * torchvision's adaptive 6×6 average pool is the identity and is left out. 61,100,840 parameters.
 */
export function alexnet(): ModelDocument {
  const b = new PresetBuilder('AlexNet', 'AlexNet (Krizhevsky et al., 2012), torchvision variant: five convolutions, three max pools, three fully connected layers.');
  b.add({ type: 'Input', params: IMAGENET_INPUT, label: 'input', id: 'input' });
  const convs: [number, number, number, number, boolean][] = [
    // filters, kernel, stride, padding, pool after
    [64, 11, 4, 2, true],
    [192, 5, 1, 2, true],
    [384, 3, 1, 1, false],
    [256, 3, 1, 1, false],
    [256, 3, 1, 1, true],
  ];
  convs.forEach(([filters, kernel, stride, padding, pool], i) => {
    b.add({ type: 'Conv2D', params: { filters, kernel, stride, padding }, label: `conv${i + 1} ${kernel}×${kernel}`, id: `conv${i + 1}` });
    b.add({ ...relu(`conv${i + 1} ReLU`), id: `relu${i + 1}` });
    if (pool) b.add({ type: 'Pool2D', params: { mode: 'max', kernel: 3, stride: 2 }, label: `pool${i + 1}` });
  });
  b.add({ type: 'Flatten', label: 'flatten' });
  b.add({ type: 'Dropout', params: { rate: 0.5 }, label: 'fc6 dropout' });
  b.add({ type: 'Dense', params: { units: 4096 }, label: 'fc6' });
  b.add(relu('fc6 ReLU'));
  b.add({ type: 'Dropout', params: { rate: 0.5 }, label: 'fc7 dropout' });
  b.add({ type: 'Dense', params: { units: 4096 }, label: 'fc7' });
  b.add(relu('fc7 ReLU'));
  b.add({ type: 'Dense', params: { units: 1000 }, label: 'fc8' });
  b.add({ type: 'Softmax', label: 'softmax' });
  return b.build();
}

export { IMAGENET_INPUT };

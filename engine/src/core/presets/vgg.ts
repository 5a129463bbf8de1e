import { PresetBuilder, relu } from './build';
import type { ModelDocument } from '../document/schema';
import { IMAGENET_INPUT } from './alexnet';

/**
 * VGG-16 (configuration D of Simonyan & Zisserman, 2014), as torchvision's vgg16: thirteen 3×3
 * convolutions in five stages, each stage ending in a 2×2 max pool, then 4096-4096-1000.
 * 138,357,544 parameters.
 */
export function vgg16(): ModelDocument {
  const b = new PresetBuilder('VGG-16', 'VGG-16 (Simonyan & Zisserman, 2014): stacks of 3×3 convolutions, doubling the channels after each 2×2 max pool.');
  b.add({ type: 'Input', params: IMAGENET_INPUT, label: 'input', id: 'input' });
  const stages = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ] as const;
  stages.forEach(([filters, count], s) => {
    for (let i = 1; i <= count; i++) {
      b.add({ type: 'Conv2D', params: { filters, kernel: 3, padding: 1 }, label: `conv${s + 1}_${i}` });
      b.add(relu(`conv${s + 1}_${i} ReLU`));
    }
    b.add({ type: 'Pool2D', params: { mode: 'max', kernel: 2, stride: 2 }, label: `pool${s + 1}` });
  });
  b.add({ type: 'Flatten', label: 'flatten' });
  b.add({ type: 'Dense', params: { units: 4096 }, label: 'fc6' });
  b.add(relu('fc6 ReLU'));
  b.add({ type: 'Dropout', params: { rate: 0.5 }, label: 'fc6 dropout' });
  b.add({ type: 'Dense', params: { units: 4096 }, label: 'fc7' });
  b.add(relu('fc7 ReLU'));
  b.add({ type: 'Dropout', params: { rate: 0.5 }, label: 'fc7 dropout' });
  b.add({ type: 'Dense', params: { units: 1000 }, label: 'fc8' });
  b.add({ type: 'Softmax', label: 'softmax' });
  return b.build();
}

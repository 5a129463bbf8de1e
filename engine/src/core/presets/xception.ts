import { PresetBuilder, relu } from './build';
import type { ModelDocument } from '../document/schema';

/**
 * Xception (Chollet, 2017, Fig. 5) as Keras builds it (keras.applications.Xception, include_top):
 * on 3×299×299, an entry flow (two 3×3 convolutions, then three blocks of two separable
 * convolutions and a 3×3/2 max pool, each added to a strided 1×1 projection of its input: 128, 256,
 * 728 channels), a middle flow of eight blocks of three 728-channel separable convolutions around an
 * identity shortcut, and an exit flow (separable 728 and 1024, max pool, projection; separable 1536
 * and 2048), then global average pooling and FC 1000. Every convolution is followed by batch norm
 * and none has a bias; the separable convolutions are 3×3 "same" and have no batch norm or
 * activation between their depthwise and pointwise halves. 22,855,952 trainable parameters (the
 * paper's Table 3); Keras' 22,910,480 also counts the batch norms' 54,528 running statistics.
 */
export function xception(): ModelDocument {
  const b = new PresetBuilder(
    'Xception',
    'Xception (Chollet, 2017, as Keras): entry, middle and exit flows of 3×3 depthwise-separable convolutions with residual connections, on 299×299 images.',
  );
  b.add({ type: 'Input', params: { channels: 3, height: 299, width: 299 }, label: 'input', id: 'input' });
  const conv = (id: string, label: string, filters: number, more: Record<string, unknown>) => {
    b.add({ type: 'Conv2D', params: { filters, kernel: 3, bias: false, ...more }, label, id });
    b.add({ type: 'BatchNorm', label: `${label} BN`, id: `${id}_bn` });
  };
  const sep = (id: string, label: string, filters: number) => {
    b.add({ type: 'SeparableConv', params: { filters, kernel: 3, padding: 'same', bias: false }, label, id });
    b.add({ type: 'BatchNorm', label: `${label} BN`, id: `${id}_bn` });
  };
  /** A strided 1×1 projection of `from` with its batch norm: the shortcut of a downsampling block. */
  const projection = (from: string, block: string, filters: number): string => {
    b.addFrom([from], { type: 'Conv2D', params: { filters, kernel: 1, stride: 2, padding: 'same', bias: false }, label: `${block} shortcut 1×1/2`, id: `${block}_shortcut` });
    b.add({ type: 'BatchNorm', label: `${block} shortcut BN`, id: `${block}_shortcut_bn` });
    return b.last;
  };
  /** A downsampling block: [ReLU →] separable → BN → ReLU → separable → BN → max pool 3×3/2, + projection. */
  const downBlock = (block: string, title: string, filters: [number, number], reluFirst: boolean) => {
    const x = b.last;
    const shortcut = projection(x, block, filters[1]);
    b.addFrom([x], reluFirst ? { ...relu(`${title} ReLU 1`), id: `${block}_relu1` } : { type: 'SeparableConv', params: { filters: filters[0], kernel: 3, padding: 'same', bias: false }, label: `${title} separable 1`, id: `${block}_sep1` });
    if (reluFirst) b.add({ type: 'SeparableConv', params: { filters: filters[0], kernel: 3, padding: 'same', bias: false }, label: `${title} separable 1`, id: `${block}_sep1` });
    b.add({ type: 'BatchNorm', label: `${title} separable 1 BN`, id: `${block}_sep1_bn` });
    b.add({ ...relu(`${title} ReLU 2`), id: `${block}_relu2` });
    sep(`${block}_sep2`, `${title} separable 2`, filters[1]);
    b.add({ type: 'Pool2D', params: { mode: 'max', kernel: 3, stride: 2, padding: 'same' }, label: `${title} max pool 3×3/2`, id: `${block}_pool` });
    b.addFrom([b.last, shortcut], { type: 'Add', label: `${title} add`, id: `${block}_add` });
  };

  // Entry flow
  conv('block1_conv1', 'entry conv 3×3/2, 32', 32, { stride: 2 });
  b.add({ ...relu('entry conv 1 ReLU'), id: 'block1_conv1_act' });
  conv('block1_conv2', 'entry conv 3×3, 64', 64, {});
  b.add({ ...relu('entry conv 2 ReLU'), id: 'block1_conv2_act' });
  downBlock('block2', 'entry block 1', [128, 128], false);
  downBlock('block3', 'entry block 2', [256, 256], true);
  downBlock('block4', 'entry block 3', [728, 728], true);
  // Middle flow: eight identity-shortcut blocks of three separable convolutions.
  for (let i = 5; i <= 12; i++) {
    const block = `block${i}`;
    const title = `middle block ${i - 4}`;
    const x = b.last;
    for (let k = 1; k <= 3; k++) {
      b.add({ ...relu(`${title} ReLU ${k}`), id: `${block}_relu${k}` });
      sep(`${block}_sep${k}`, `${title} separable ${k}`, 728);
    }
    b.addFrom([b.last, x], { type: 'Add', label: `${title} add`, id: `${block}_add` });
  }
  // Exit flow
  downBlock('block13', 'exit block', [728, 1024], true);
  sep('block14_sep1', 'exit separable 1536', 1536);
  b.add({ ...relu('exit separable 1536 ReLU'), id: 'block14_sep1_act' });
  sep('block14_sep2', 'exit separable 2048', 2048);
  b.add({ ...relu('exit separable 2048 ReLU'), id: 'block14_sep2_act' });
  b.add({ type: 'GlobalPool', params: { mode: 'avg' }, label: 'global avg pool', id: 'avgpool' });
  b.add({ type: 'Dense', params: { units: 1000 }, label: 'fc 1000', id: 'fc' });
  b.add({ type: 'Softmax', label: 'softmax' });
  return b.build();
}

import { PresetBuilder } from './build';
import type { ModelDocument } from '../document/schema';

/**
 * LeNet-5 (LeCun et al., 1998) in its common modern form: tanh activations, average pooling,
 * C5 as a 5×5 convolution to 120×1×1, then F6 (84) and a 10-way output. 61,706 parameters.
 */
export function lenet5(): ModelDocument {
  const tanh = (label: string) => ({ type: 'Activation', params: { fn: 'tanh' }, label });
  return new PresetBuilder('LeNet-5', 'LeNet-5 (LeCun et al., 1998): 32×32 grey digits, two conv + average-pool stages, then fully connected layers.')
    .add({ type: 'Input', params: { channels: 1, height: 32, width: 32 }, label: 'input', id: 'input' })
    .add({ type: 'Conv2D', params: { filters: 6, kernel: 5 }, label: 'C1 conv 5×5' })
    .add(tanh('C1 tanh'))
    .add({ type: 'Pool2D', params: { mode: 'avg', kernel: 2, stride: 2 }, label: 'S2 avg pool' })
    .add({ type: 'Conv2D', params: { filters: 16, kernel: 5 }, label: 'C3 conv 5×5' })
    .add(tanh('C3 tanh'))
    .add({ type: 'Pool2D', params: { mode: 'avg', kernel: 2, stride: 2 }, label: 'S4 avg pool' })
    .add({ type: 'Conv2D', params: { filters: 120, kernel: 5 }, label: 'C5 conv 5×5' })
    .add(tanh('C5 tanh'))
    .add({ type: 'Flatten', label: 'flatten' })
    .add({ type: 'Dense', params: { units: 84 }, label: 'F6 dense' })
    .add(tanh('F6 tanh'))
    .add({ type: 'Dense', params: { units: 10 }, label: 'output dense' })
    .add({ type: 'Softmax', label: 'softmax' })
    // Its ten outputs are the digits it reads.
    .labels(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    .build();
}

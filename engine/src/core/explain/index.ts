/** The lecture's ideas as data: convolution step-through, pooling comparison, inception cost, kernel presets, residual orderings. */
export * from './convolution';
export * from './pooling';
export * from './inception-cost';
export * from './kernel-presets';
export * from './kernel-tensor';
export * from './residual-view';

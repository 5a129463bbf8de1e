/** The lecture's ideas as data: convolution step-through, pooling comparison, inception cost, depthwise-separable cost, kernel presets, residual orderings. */
export * from './convolution';
export * from './pooling';
export * from './inception-cost';
export * from './separable-cost';
export * from './kernel-presets';
export * from './kernel-tensor';
export * from './residual-view';
export * from './crop';

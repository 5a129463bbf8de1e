import { describe, expect, it } from 'vitest';
import { documentProblems } from './document-problems';
import { lenetSidecarPair } from '../../../engine/src/runtime/testing/sidecar-docs';

const { withSidecar, inline } = lenetSidecarPair('lenet.weights.bin');

describe('document problems (weights sidecar)', () => {
  it('none for a model without a weights file, or with its sidecar held by the host', () => {
    expect(documentProblems(inline, undefined)).toEqual([]);
    expect(documentProblems(withSidecar, { state: 'loaded', token: 't', file: 'lenet.weights.bin', byteLength: 1 })).toEqual([]);
  });

  it('the host’s reason when the sidecar could not be read, and a hint when it was never loaded', () => {
    expect(documentProblems(withSidecar, { state: 'missing', file: 'lenet.weights.bin', message: 'lenet.weights.bin was not found next to lenet.cnn.json.' })).toEqual([
      {
        code: 'weights-file',
        severity: 'error',
        message: 'Weights not loaded: lenet.weights.bin was not found next to lenet.cnn.json.',
        text: { key: 'problems.weightsMissing', values: { file: 'lenet.weights.bin', detail: 'lenet.weights.bin was not found next to lenet.cnn.json.' } },
      },
    ]);
    expect(documentProblems(withSidecar, undefined)[0]?.message).toMatch(/keeps weights in lenet\.weights\.bin, which was not opened with it/);
  });
});

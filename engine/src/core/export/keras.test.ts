/**
 * Keras export: TensorFlow cannot be installed here, so the file is checked to parse as Python
 * (python3's ast) and to mirror the PyTorch export: one named layer per weighted document node, with
 * the same name the PyTorch submodule has, and a module call for every Inception / ResidualUnit /
 * InvertedResidual / SqueezeExcite.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { moduleFormsDocument } from '../ops/module-forms.fixture';
import { analyze } from '../graph/analyze';
import { getPreset, PRESET_NAMES } from '../presets';
import { findPython } from '../../runtime/python';
import { exportKeras } from './keras';
import { exportPyTorch } from './pytorch';
import { randomValidDocument } from './random-graphs';

const python = findPython([]);
/** The Keras helper function called for each PyTorch module class (SeparableConv is Keras' own layer, named like the others). */
const HELPER_FUNCTIONS: Record<string, string> = { Inception: 'inception', ResidualUnit: 'residual_unit', InvertedResidual: 'inverted_residual', SqueezeExcite: 'squeeze_excite' };

function documents() {
  return [...PRESET_NAMES.map((n) => getPreset(n)), moduleFormsDocument(), ...Array.from({ length: 20 }, (_, s) => randomValidDocument(s + 1))];
}

describe('Keras export', () => {
  it('names a Keras layer (or module call) after every PyTorch submodule', () => {
    for (const doc of documents()) {
      const analysis = analyze(doc);
      const keras = exportKeras(doc, analysis).code;
      const exp = exportPyTorch(doc, analysis, { weights: false });
      const torch = exp.code.slice(exp.code.indexOf(`class ${exp.className}(nn.Module):`));
      const modules = [...torch.matchAll(/^ {8}self\.(\w+) = ([\w.]+)\(/gm)].map((m) => [m[1], m[2]]);
      expect(modules.length, doc.name).toBeGreaterThan(0);
      for (const [name, cls] of modules) {
        const helper = HELPER_FUNCTIONS[cls];
        if (helper) expect(keras, `${doc.name}: ${name}`).toMatch(new RegExp(`${helper}\\(\\w+, "${name}",`));
        else expect(keras, `${doc.name}: ${name}`).toContain(`name="${name}")`);
      }
    }
  });

  it.skipIf(!python)('parses as Python for every preset and 20 random graphs (skipped: needs python3)', () => {
    const files = documents().map((doc) => exportKeras(doc, analyze(doc)).code);
    const script = 'import ast, json, sys\nfor src in json.load(sys.stdin):\n    ast.parse(src)\nprint("ok")';
    const r = spawnSync(python!, ['-c', script], { input: JSON.stringify(files), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
  });
});

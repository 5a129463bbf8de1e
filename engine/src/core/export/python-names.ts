/** Turning node ids and model names into Python identifiers that PyTorch accepts as submodule names, and any text into a comment. */

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case'.split(
    ' ',
  ),
);

/** Attributes every nn.Module already has: a submodule may not take these names. */
const MODULE_ATTRIBUTES = new Set(
  'training forward eval train to cuda cpu xpu ipu float half double bfloat16 type apply state_dict load_state_dict parameters named_parameters buffers named_buffers children named_children modules named_modules zero_grad requires_grad_ register_buffer register_parameter register_module add_module get_submodule get_parameter get_buffer extra_repr share_memory dump_patches call_super_init get_extra_state set_extra_state to_empty'.split(
    ' ',
  ),
);

/** Names the generated file itself uses. */
const GENERATED_NAMES = new Set(['self', 'torch', 'nn', 'F', 'sys', 'model', 'x', 'y', 'Inception', 'ResidualUnit', 'avg_pool_exclude_pad', 'SeparableConv', 'InvertedResidual', 'SqueezeExcite', 'block_activation']);

function baseIdentifier(s: string): string {
  let id = s.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+(?=.)/, '');
  if (!id || id === '_') id = 'node';
  if (/^[0-9]/.test(id)) id = `n${id}`;
  if (id.startsWith('_')) id = `n${id}`;
  return id;
}

/** Unique, valid Python identifiers for a list of ids, in order (collisions get _2, _3 …). */
export function pythonNames(ids: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const id of ids) {
    let base = baseIdentifier(id);
    if (PYTHON_KEYWORDS.has(base) || MODULE_ATTRIBUTES.has(base) || GENERATED_NAMES.has(base)) base = `${base}_`;
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    out.set(id, name);
  }
  return out;
}

/** "ResNet-18" → "ResNet18"; "my first cnn" → "MyFirstCnn". */
export function pythonClassName(modelName: string): string {
  const words = modelName.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  if (!name) name = 'Model';
  if (/^[0-9]/.test(name)) name = `Net${name}`;
  if (GENERATED_NAMES.has(name) || PYTHON_KEYWORDS.has(name)) name = `${name}Net`;
  return name;
}

/**
 * Text as the body of one Python comment line: line breaks (and the separators editors treat as
 * such) become spaces, and other control characters go — Python refuses a source file with a NUL
 * byte anywhere, comments included ("source code string cannot contain null bytes").
 */
export function pythonComment(text: string): string {
  return text.replace(/[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+/g, ' ').replace(/[\0-\x08\x0e-\x1b\x7f]/g, '');
}

import type { ModelDocument } from '../document/schema';
import { lenet5 } from './lenet';
import { alexnet } from './alexnet';
import { vgg16 } from './vgg';
import { googlenet } from './googlenet';
import { preactResnet18, resnet101, resnet152, resnet18, resnet20, resnet34, resnet50, resnext50, wideResnet50 } from './resnet';
import { efficientnetB0, mobilenetV2 } from './mobilenet';
import { xception } from './xception';

export interface PresetInfo {
  name: string;
  title: string;
  /** One line for lists and the palette. */
  description: string;
  build(): ModelDocument;
}

function preset(name: string, build: () => ModelDocument): PresetInfo {
  const doc = build();
  return { name, title: doc.name, description: doc.description ?? '', build };
}

/** Every preset, by the name the CLI and the editor use ("preset:resnet50"). */
export const PRESETS: readonly PresetInfo[] = [
  preset('lenet5', lenet5),
  preset('resnet20', resnet20),
  preset('alexnet', alexnet),
  preset('vgg16', vgg16),
  preset('googlenet', googlenet),
  preset('resnet18', resnet18),
  preset('resnet34', resnet34),
  preset('resnet50', resnet50),
  preset('resnet101', resnet101),
  preset('resnet152', resnet152),
  preset('preact-resnet18', preactResnet18),
  preset('resnext50-32x4d', resnext50),
  preset('wide-resnet50-2', wideResnet50),
  preset('mobilenet-v2', mobilenetV2),
  preset('xception', xception),
  preset('efficientnet-b0', efficientnetB0),
];

export const PRESET_NAMES: readonly string[] = PRESETS.map((p) => p.name);

export class UnknownPresetError extends Error {
  constructor(readonly presetName: string) {
    super(`Unknown preset "${presetName}" — available: ${PRESET_NAMES.join(', ')}.`);
    this.name = 'UnknownPresetError';
  }
}

/** A fresh copy of the named preset's document (callers may mutate it). Throws UnknownPresetError. */
export function getPreset(name: string): ModelDocument {
  const p = PRESETS.find((q) => q.name === name);
  if (!p) throw new UnknownPresetError(name);
  return p.build();
}

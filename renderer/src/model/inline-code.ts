/**
 * Descriptions (op docs, a model's description) mark code the Markdown way, with backticks:
 * "Slides `filters` learned kernels". The inspector shows those parts as code; tooltips, which
 * are plain text, drop the backticks.
 */
export interface TextPart {
  text: string;
  code: boolean;
}

/** Split at backticks: odd parts are code. An unpaired backtick stays as it is. */
export function inlineCodeParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  const re = /`([^`\n]+)`/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) parts.push({ text: text.slice(at, m.index), code: false });
    parts.push({ text: m[1], code: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), code: false });
  return parts;
}

/** The text without its code marks, for plain-text places (tooltips). */
export function plainText(text: string): string {
  return inlineCodeParts(text)
    .map((p) => p.text)
    .join('');
}

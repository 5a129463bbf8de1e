import { inlineCodeParts } from '../model/inline-code';

/** A description with its `code` parts shown as code (model/inline-code.ts). */
export function InlineCode({ text }: { text: string }) {
  return (
    <>
      {inlineCodeParts(text).map((p, i) => (p.code ? <code key={i}>{p.text}</code> : p.text))}
    </>
  );
}

import { useState } from 'react';
import { useAnalysis, useDocumentStore } from '../store/document-store';
import { classOutput, parseClassNames, setClassLabels } from '../model/class-labels';
import { useT } from '../i18n';

/**
 * The names of the network's classes (the document's `labels`), one per line, for the top-5 and
 * the bar charts. Applied when the field loses focus (or Ctrl/Cmd+Enter); Escape puts them back.
 * Shown on the network's output node and on the model.
 */
export function ClassNames() {
  const { t } = useT();
  const doc = useDocumentStore((s) => s.doc);
  const edit = useDocumentStore((s) => s.edit);
  const output = classOutput(doc, useAnalysis());
  const applied = (doc.labels ?? []).join('\n');
  const [draft, setDraft] = useState<string | undefined>(undefined);
  if (!output) return null;
  const text = draft ?? applied;
  const named = parseClassNames(text)?.length ?? 0;
  const commit = () => {
    if (draft !== undefined && draft !== applied) edit('Set class names', (d) => setClassLabels(d, parseClassNames(draft)));
    setDraft(undefined);
  };
  return (
    <section className="class-names" data-testid="class-names">
      <h4>
        <label htmlFor="class-names-text">{t('classNames.title')}</label>
      </h4>
      <textarea
        id="class-names-text"
        data-testid="class-names-text"
        rows={Math.min(12, Math.max(4, output.classes))}
        value={text}
        placeholder={Array.from({ length: Math.min(output.classes, 4) }, (_, i) => t('classNames.classN', { i })).join('\n') + (output.classes > 4 ? '\n…' : '')}
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            commit();
          } else if (e.key === 'Escape' && draft !== undefined) {
            e.preventDefault();
            e.stopPropagation();
            setDraft(undefined);
          }
        }}
      />
      <p className="muted" data-testid="class-names-count">
        {t('classNames.hint', { n: output.classes, node: doc.nodes.find((n) => n.id === output.id)?.label ?? output.id })}
        {named !== output.classes ? t(named < output.classes ? 'classNames.fewer' : 'classNames.more', { named }) : ''}.
      </p>
    </section>
  );
}

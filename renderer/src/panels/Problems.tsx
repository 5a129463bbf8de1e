import { useAnalysis } from '../store/document-store';
import { useDocumentProblems } from '../store/document-problems';
import { commands } from '../app/commands';
import { useDocumentStore } from '../store/document-store';
import { useT } from '../i18n';
import { diagnosticText, fixLabel } from '../i18n/diagnostic-text';
import { documentProblemText } from '../i18n/error-text';

/** Every diagnostic of the model; click one to select and centre its node, or apply its quick fix. */
export function Problems() {
  const { t } = useT();
  const analysis = useAnalysis();
  const doc = useDocumentStore((s) => s.doc);
  const fileProblems = useDocumentProblems();
  const diags = analysis.diagnostics.filter((d) => d.severity !== 'info');
  if (!diags.length && !fileProblems.length) {
    // An empty model has nothing wrong, only a first step (the engine's hint).
    const start = analysis.diagnostics.find((d) => d.code === 'no-input-node');
    return (
      <p className="muted problems-empty" data-testid="problems-empty">
        {start ? `${t('problems.noneYet')} ${diagnosticText(start, doc)}` : t('problems.none')}
      </p>
    );
  }
  return (
    <ul className="problems" data-testid="problems">
      {fileProblems.map((p) => (
        <li key={p.code} className={`problem ${p.severity}`} data-testid="problem" data-code={p.code}>
          <span className="sev">✖</span>
          <span className="msg">{documentProblemText(p, doc)}</span>
        </li>
      ))}
      {diags.map((d, i) => (
        <li
          key={`${d.code}:${d.nodeId ?? ''}:${d.edgeId ?? ''}:${i}`}
          className={`problem ${d.severity}`}
          data-testid="problem"
          data-code={d.code}
          data-node-id={d.nodeId}
          tabIndex={0}
          onClick={() => d.nodeId && commands.focusNode(d.nodeId)}
          onKeyDown={(e) => e.key === 'Enter' && d.nodeId && commands.focusNode(d.nodeId)}
        >
          <span className="sev">{d.severity === 'error' ? '✖' : '▲'}</span>
          <span className="msg">
            {diagnosticText(d, doc)}
            {d.nodeId && (
              <span className="muted mono" translate="no">
                {' '}
                — {d.nodeId}
              </span>
            )}
          </span>
          {d.fix && (
            <button
              className="fix"
              data-testid="problem-fix"
              onClick={(e) => {
                e.stopPropagation();
                commands.applyFix(d);
              }}
            >
              {fixLabel(d, doc)}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

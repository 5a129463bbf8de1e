import { useAnalysis } from '../store/document-store';
import { useDocumentProblems } from '../store/document-problems';
import { commands } from '../app/commands';

/** Every diagnostic of the model; click one to select and centre its node, or apply its quick fix. */
export function Problems() {
  const analysis = useAnalysis();
  const fileProblems = useDocumentProblems();
  const diags = analysis.diagnostics.filter((d) => d.severity !== 'info');
  if (!diags.length && !fileProblems.length) return <p className="muted problems-empty" data-testid="problems-empty">No problems: every shape checks out.</p>;
  return (
    <ul className="problems" data-testid="problems">
      {fileProblems.map((p) => (
        <li key={p.code} className={`problem ${p.severity}`} data-testid="problem" data-code={p.code}>
          <span className="sev">✖</span>
          <span className="msg">{p.message}</span>
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
            {d.message}
            {d.nodeId && <span className="muted mono"> — {d.nodeId}</span>}
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
              {d.fix.label}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

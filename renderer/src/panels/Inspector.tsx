import { useMemo, useRef } from 'react';
import { useDocumentStore, useAnalysis } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import { formatBytes, formatCount, formatMetric, formatShape, ops, PRESETS, type Analysis, type ModelNode } from '../engine';
import { PARAM_FIELDS } from '../model/param-fields';
import { ParamField } from './ParamField';
import { useDraftField } from './draft';
import { renameDocument, setLabel, setParam } from '../model/edits';
import { isComposite, primitivesOf } from '../canvas/flow-model';
import { commands } from '../app/commands';
import { openConnectDialog } from '../app/connect-command';
import { InputPreprocessSection } from '../live/live-integration';
import { InlineCode } from './InlineCode';
import { ClassNames } from './ClassNames';
import { classOutput } from '../model/class-labels';
import { useT } from '../i18n';
import { documentDescription, fieldHelp, fieldHint, fieldLabel, opDocText, opTitle, optionLabel, roleText } from '../i18n/engine-text';
import { diagnosticText, fixLabel } from '../i18n/diagnostic-text';
import type { FieldSpec } from '../model/param-fields';

/** A field's spec with its words (label, help, hint, choices) in the UI's language. */
function localSpec(type: string, f: FieldSpec): FieldSpec {
  const field = f.field.kind === 'pair' && f.field.emptyHint ? { ...f.field, emptyHint: fieldHint(type, f) } : f.field;
  const optionLabels = f.field.kind === 'enum' ? Object.fromEntries(f.field.options.map((o) => [o, optionLabel(type, f.name, o)])) : undefined;
  return { ...f, label: fieldLabel(type, f), help: fieldHelp(type, f), field, ...(optionLabels ? { optionLabels } : {}) };
}

/**
 * A name field (the node's, the model's): what is typed is applied on Enter or when the field loses
 * focus (the document keeps it trimmed), and Escape puts the name back.
 */
function NameInput(p: { id: string; testId: string; value: string; placeholder?: string; onCommit: (text: string) => void }) {
  const field = useDraftField(p.value, { apply: p.onCommit });
  return <input id={p.id} data-testid={p.testId} placeholder={p.placeholder} {...field.props} />;
}

function Cost({ analysis, id }: { analysis: Analysis; id: string }) {
  const { t } = useT();
  const info = analysis.nodes[id];
  if (!info) return null;
  const rf = info.receptiveField;
  return (
    <section className="cost" data-testid="inspector-cost">
      <h4>{t('inspector.cost')}</h4>
      <dl>
        <dt>{t('inspector.output')}</dt>
        <dd data-testid="cost-shape">{info.outputShape ? formatShape(info.outputShape) : '—'}</dd>
        <dt>{t('inspector.parameters')}</dt>
        <dd data-testid="cost-params" data-value={info.params}>
          {formatCount(info.params)}
        </dd>
        <dt>MACs</dt>
        <dd data-testid="cost-macs" data-value={info.macs}>
          {formatCount(info.macs)} ({formatMetric(info.macs)})
        </dd>
        <dt>{t('inspector.activation')}</dt>
        <dd data-testid="cost-activation" data-value={info.activationBytes}>
          {formatBytes(info.activationBytes)}
          {info.internalActivationBytes !== info.activationBytes && info.primitives.length > 1 ? t('inspector.insideBytes', { bytes: formatBytes(info.internalActivationBytes) }) : ''}
        </dd>
        <dt>{t('inspector.rf')}</dt>
        <dd data-testid="cost-rf">{rf ? t('inspector.rfValue', { size: `${rf.size[0]}×${rf.size[1]}`, step: `${rf.jump[0]}×${rf.jump[1]}` }) : '—'}</dd>
      </dl>
    </section>
  );
}

function Inside({ analysis, id }: { analysis: Analysis; id: string }) {
  const prims = primitivesOf(analysis, id);
  const open = useUiStore((s) => s.openModules.has(id));
  const toggle = commands.toggleModule;
  const { t } = useT();
  if (!prims.length) return <p className="muted">{t('inspector.insideUnknown')}</p>;
  return (
    <section className="inside" data-testid="inspector-inside">
      <h4>
        {t('inspector.inside', { n: prims.length })}
        <button data-testid="inspector-open-toggle" onClick={() => toggle(id)}>
          {open ? t('inspector.closeOnCanvas') : t('inspector.openOnCanvas')}
        </button>
      </h4>
      <table>
        <tbody>
          {prims.map((p) => (
            <tr key={p.id} data-testid="inside-row">
              <td>{p.role ? roleText(p.role) : p.type}</td>
              <td className="mono">{formatShape(p.shape)}</td>
              <td className="num">{p.paramCount ? formatCount(p.paramCount) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function NodeInspector({ node, index }: { node: ModelNode; index: number }) {
  const { t } = useT();
  const analysis = useAnalysis();
  const doc = useDocumentStore((s) => s.doc);
  const edit = useDocumentStore((s) => s.edit);
  const breakCoalescing = useDocumentStore((s) => s.breakCoalescing);
  const op = ops.get(node.type);
  const effective = useMemo(() => {
    const r = op?.params.safeParse(node.params);
    return (r?.success ? r.data : node.params) as Record<string, unknown>;
  }, [op, node.params]);
  const session = useRef(0);
  const diags = analysis.diagnostics.filter((d) => d.nodeId === node.id);
  const fields = PARAM_FIELDS[node.type] ?? [];
  const known = new Set(fields.map((f) => f.name));
  const paramProblems = (name: string) => diags.filter((d) => d.param === name || d.path?.startsWith(`nodes[${index}].params.${name}`)).map((d) => diagnosticText(d, doc));
  const general = diags.filter((d) => !d.param || !known.has(d.param));
  return (
    <div className="inspector" data-testid="inspector" data-node-id={node.id}>
      <header>
        <h3>{opTitle(node.type, op)}</h3>
        <span className="muted mono" translate="no">
          {node.id}
        </span>
      </header>
      {op && (
        <p className="doc" data-testid="op-doc">
          <InlineCode text={opDocText(op, node.params)} />
        </p>
      )}
      {op && (
        <button className="inspector-connect" data-testid="inspector-connect" onClick={openConnectDialog} title={t('inspector.connectTitle')}>
          {t('inspector.connect')}
        </button>
      )}
      <div className="field">
        <label htmlFor="node-label">{t('inspector.name')}</label>
        <div className="control">
          <NameInput
            key={node.id}
            id="node-label"
            testId="node-label"
            value={node.label ?? ''}
            placeholder={analysis.nodes[node.id]?.summary}
            onCommit={(text) => edit('Rename node', (d) => setLabel(d, node.id, text))}
          />
        </div>
      </div>
      {fields
        .filter((f) => !f.when || f.when(effective))
        .map((f) => (
          <ParamField
            key={`${node.id}:${f.name}`}
            spec={localSpec(node.type, f)}
            value={node.params[f.name]}
            effective={effective[f.name]}
            problems={paramProblems(f.name)}
            onChange={(v) =>
              edit(`Set ${f.label.toLowerCase()}`, (d) => setParam(d, node.id, f.name, v), { coalesce: `param:${node.id}:${f.name}:${session.current}` })
            }
            onCommitEnd={() => {
              session.current++;
              breakCoalescing();
            }}
          />
        ))}
      {general.length > 0 && (
        <ul className="node-problems" data-testid="inspector-problems">
          {general.map((d, i) => (
            <li key={i} className={d.severity}>
              {diagnosticText(d, doc)}
              {d.fix && (
                <button className="fix" onClick={() => commands.applyFix(d)}>
                  {fixLabel(d, doc)}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {node.type === 'Input' && <InputPreprocessSection nodeId={node.id} />}
      <Cost analysis={analysis} id={node.id} />
      {isComposite(node.type) && <Inside analysis={analysis} id={node.id} />}
      {classOutput(doc, analysis)?.id === node.id && <ClassNames />}
    </div>
  );
}

function DocumentInspector() {
  const doc = useDocumentStore((s) => s.doc);
  const edit = useDocumentStore((s) => s.edit);
  const { t } = useT();
  return (
    <div className="inspector" data-testid="inspector-document">
      <header>
        <h3>{t('inspector.model')}</h3>
      </header>
      <div className="field">
        <label htmlFor="doc-name">{t('inspector.name')}</label>
        <div className="control">
          <NameInput id="doc-name" testId="doc-name" value={doc.name} onCommit={(text) => edit('Rename model', (d) => renameDocument(d, text))} />
        </div>
      </div>
      {doc.description && (
        <p className="doc" data-testid="doc-description">
          <InlineCode text={documentDescription(doc.description, PRESETS)} />
        </p>
      )}
      <p className="muted">
        {t('inspector.docCounts', { nodes: doc.nodes.length, edges: doc.edges.length })}
      </p>
      <ClassNames />
    </div>
  );
}

export function Inspector() {
  const doc = useDocumentStore((s) => s.doc);
  const selected = useUiStore((s) => s.selectedNodes);
  const { t } = useT();
  if (selected.size > 1)
    return (
      <div className="inspector muted" data-testid="inspector-multi">
        {t('inspector.multi', { n: selected.size })}
      </div>
    );
  const [id] = selected;
  const index = id === undefined ? -1 : doc.nodes.findIndex((n) => n.id === id);
  if (index < 0) return <DocumentInspector />;
  return <NodeInspector key={id} node={doc.nodes[index]} index={index} />;
}

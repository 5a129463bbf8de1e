/**
 * "Connect selected to…": a dialog listing the nodes the selected node's output can go to. Type to
 * filter, ↑/↓ to choose, Enter connects, Escape closes — an edge without a mouse.
 */
import { useId, useMemo, useState } from 'react';
import { useDocumentStore } from '../store/document-store';
import { useUiStore } from '../store/ui-store';
import { connectTargets } from '../model/connect-targets';
import { nodeName } from '../model/node-name';
import { connectFromDialog } from '../app/connect-command';
import { useT } from '../i18n';

export function ConnectDialog() {
  const { t: tr, lang } = useT();
  const source = useUiStore((s) => s.connectFrom);
  const doc = useDocumentStore((s) => s.doc);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const ids = { title: useId(), list: useId() };
  const targets = useMemo(() => (source ? connectTargets(doc, source) : []), [doc, source, lang]);
  if (!source || !doc.nodes.some((n) => n.id === source)) return null;
  const q = query.trim().toLowerCase();
  const shown = targets.filter((t) => !q || t.name.toLowerCase().includes(q) || t.id.toLowerCase().includes(q));
  const at = Math.min(active, shown.length - 1);
  const close = () => {
    useUiStore.getState().set({ connectFrom: undefined });
    setQuery('');
    setActive(0);
  };
  const choose = (i: number) => {
    const t = shown[i];
    if (!t) return;
    connectFromDialog(source, t.id, t.port);
    close();
  };
  const optionId = (i: number) => `${ids.list}-${i}`;
  return (
    <div className="modal-backdrop" onMouseDown={close}>
      <div className="modal connect-dialog" role="dialog" aria-modal="true" aria-labelledby={ids.title} data-testid="connect-dialog" onMouseDown={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === 'Escape' && close()}>
        <h2 id={ids.title}>{tr('connect.title', { name: nodeName(doc, source) })}</h2>
        {targets.length === 0 ? (
          <p data-testid="connect-none">{tr('connect.none')}</p>
        ) : (
          <>
            <input
              autoFocus
              role="combobox"
              aria-expanded={shown.length > 0}
              aria-controls={shown.length > 0 ? ids.list : undefined}
              aria-activedescendant={at >= 0 ? optionId(at) : undefined}
              aria-autocomplete="list"
              aria-label={tr('connect.filterLabel')}
              placeholder={tr('connect.filter')}
              data-testid="connect-filter"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setActive(0);
              }}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown') setActive(Math.min(at + 1, shown.length - 1));
                else if (e.key === 'ArrowUp') setActive(Math.max(at - 1, 0));
                else if (e.key === 'Enter') choose(at);
                else if (e.key === 'Escape') close();
                else return;
                e.preventDefault();
                e.stopPropagation();
              }}
            />
            {shown.length > 0 && (
            <ul className="connect-list" role="listbox" id={ids.list} aria-label={tr('connect.nodes')}>
              {shown.map((t, i) => (
                <li
                  key={t.id}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === at}
                  className={i === at ? 'active' : undefined}
                  data-testid={`connect-target-${t.id}`}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    choose(i);
                  }}
                >
                  <span>{t.name}</span>
                  <span className="muted mono" translate="no">
                    {t.id}
                  </span>
                  {t.note && <span className="connect-note">{t.note}</span>}
                </li>
              ))}
            </ul>
            )}
            {shown.length === 0 && <p className="muted">{tr('connect.noMatch', { query })}</p>}
          </>
        )}
        <div className="buttons">
          <button data-testid="connect-cancel" onClick={close} autoFocus={targets.length === 0}>
            {tr('common.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}

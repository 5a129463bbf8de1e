import { useMemo, useState } from 'react';
import { PALETTE_GROUPS, DRAG_MIME, searchPalette } from '../model/palette';
import { commands } from '../app/commands';
import { plainText } from '../model/inline-code';
import { flowApi } from '../canvas/flow-api';
import { useT } from '../i18n';
import { groupTitle, opDocText, paletteTitle } from '../i18n/engine-text';
import { ops } from '../engine';

/**
 * Layers to drag onto the canvas, grouped and searchable. Enter on a result appends it after the
 * selected node, connected; with no node selected it goes to free space in the middle of the view.
 */
export function Palette() {
  const { t, lang } = useT();
  const [query, setQuery] = useState('');
  const items = useMemo(() => searchPalette(query, (it) => `${paletteTitle(it)} ${groupTitle(it.group)}`), [query, lang]);
  const insertCentered = (key: string) => {
    const f = flowApi();
    const el = document.querySelector('.react-flow');
    const r = el?.getBoundingClientRect();
    commands.insertFromPalette(key, f && r ? f.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 }) : undefined);
  };
  return (
    <aside className="palette" data-testid="palette" aria-label={t('palette.label')}>
      <input
        className="palette-search"
        data-testid="palette-search"
        type="search"
        placeholder={t('palette.search')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && items[0]) insertCentered(items[0].key);
          if (e.key === 'Escape') setQuery('');
        }}
      />
      <div className="palette-groups">
        {PALETTE_GROUPS.map((group) => {
          const inGroup = items.filter((i) => i.group === group);
          if (!inGroup.length) return null;
          return (
            <section key={group} className="palette-group">
              <h3>{groupTitle(group)}</h3>
              {inGroup.map((it) => (
                <div
                  key={it.key}
                  className="palette-item"
                  data-testid={`palette-item-${it.key}`}
                  draggable
                  tabIndex={0}
                  role="button"
                  title={`${plainText(ops.get(it.type) ? opDocText(ops.get(it.type)!, it.params) : it.doc)}\n\n${t('palette.itemHint')}`}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DRAG_MIME, it.key);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      insertCentered(it.key);
                    }
                  }}
                >
                  {paletteTitle(it)}
                </div>
              ))}
            </section>
          );
        })}
        {items.length === 0 && <p className="muted">{t('palette.noMatch', { query })}</p>}
      </div>
    </aside>
  );
}

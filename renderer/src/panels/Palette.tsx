import { useMemo, useState } from 'react';
import { PALETTE_GROUPS, DRAG_MIME, searchPalette } from '../model/palette';
import { commands } from '../app/commands';
import { flowApi } from '../canvas/flow-api';

/** Layers to drag onto the canvas, grouped and searchable. Enter on a result inserts it in the middle of the view. */
export function Palette() {
  const [query, setQuery] = useState('');
  const items = useMemo(() => searchPalette(query), [query]);
  const insertCentered = (key: string) => {
    const f = flowApi();
    const el = document.querySelector('.react-flow');
    if (!f || !el) return;
    const r = el.getBoundingClientRect();
    commands.insert(key, f.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 }));
  };
  return (
    <aside className="palette" data-testid="palette" aria-label="Layers">
      <input
        className="palette-search"
        data-testid="palette-search"
        type="search"
        placeholder="Search layers…"
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
              <h3>{group}</h3>
              {inGroup.map((it) => (
                <div
                  key={it.key}
                  className="palette-item"
                  data-testid={`palette-item-${it.key}`}
                  draggable
                  tabIndex={0}
                  role="button"
                  title={`${it.doc}\n\nDrag onto the canvas (or press Enter).`}
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
                  {it.title}
                </div>
              ))}
            </section>
          );
        })}
        {items.length === 0 && <p className="muted">No layer matches “{query}”.</p>}
      </div>
    </aside>
  );
}

import { useMemo, useState } from 'react';
import { searchPalette } from '../model/palette';
import { useUiStore } from '../store/ui-store';
import { commands } from '../app/commands';

/** Double-click on the canvas: type to find a layer, Enter inserts it where you clicked. */
export function QuickInsert() {
  const at = useUiStore((s) => s.quickInsert);
  const set = useUiStore((s) => s.set);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const results = useMemo(() => searchPalette(query).slice(0, 10), [query]);
  if (!at) return null;
  const close = () => {
    set({ quickInsert: undefined });
    setQuery('');
    setActive(0);
  };
  const insert = (key: string) => {
    commands.insert(key, at.flow);
    close();
  };
  return (
    <div className="quick-insert" style={{ left: at.screen.x, top: at.screen.y }} data-testid="quick-insert" role="dialog" aria-label="Insert a layer">
      <input
        autoFocus
        data-testid="quick-insert-input"
        placeholder="Insert layer… (type to search)"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onBlur={close}
        onKeyDown={(e) => {
          if (e.key === 'Escape') close();
          else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter' && results[active]) insert(results[active].key);
          else return;
          e.preventDefault();
        }}
      />
      <ul>
        {results.map((r, i) => (
          <li
            key={r.key}
            className={i === active ? 'active' : ''}
            data-testid={`quick-insert-item-${r.key}`}
            onMouseDown={(e) => {
              e.preventDefault();
              insert(r.key);
            }}
          >
            <span>{r.title}</span>
            <span className="muted">{r.group}</span>
          </li>
        ))}
        {results.length === 0 && <li className="muted">No layer matches “{query}”.</li>}
      </ul>
    </div>
  );
}

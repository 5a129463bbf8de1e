import { useMemo, useState } from 'react';
import { searchPalette } from '../model/palette';
import { useUiStore } from '../store/ui-store';
import { commands } from '../app/commands';
import { useT } from '../i18n';
import { groupTitle, paletteTitle } from '../i18n/engine-text';

/** Double-click on the canvas: type to find a layer, Enter inserts it where you clicked. */
export function QuickInsert() {
  const at = useUiStore((s) => s.quickInsert);
  const set = useUiStore((s) => s.set);
  const { t, lang } = useT();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const results = useMemo(() => searchPalette(query, (it) => `${paletteTitle(it)} ${groupTitle(it.group)}`).slice(0, 10), [query, lang]);
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
    <div className="quick-insert" style={{ left: at.screen.x, top: at.screen.y }} data-testid="quick-insert" role="dialog" aria-label={t('quickInsert.label')}>
      <input
        autoFocus
        data-testid="quick-insert-input"
        placeholder={t('quickInsert.placeholder')}
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
            <span>{paletteTitle(r)}</span>
            <span className="muted">{groupTitle(r.group)}</span>
          </li>
        ))}
        {results.length === 0 && <li className="muted">{t('palette.noMatch', { query })}</li>}
      </ul>
    </div>
  );
}

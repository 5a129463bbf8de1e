/**
 * Toolbar commands, shown inline when there is room and as a menu button when there is not: one list
 * of items, two renderings. The menu follows the WAI-ARIA menu button pattern (Enter, Space or ↓
 * opens it; arrows move; Escape closes it and returns to its button).
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export type ToolItem =
  | { kind: 'button'; testId: string; label: ReactNode; ariaLabel?: string; title?: string; disabled?: boolean; onClick(): void }
  | {
      kind: 'select';
      testId: string;
      /** The select's accessible name, and the menu's group heading. */
      label: string;
      value: string;
      /** A first option with value "" acts as a prompt ("Export…"); it is not offered in the menu. */
      options: { value: string; label: string; title?: string }[];
      /** Options are a choice (radio items: the current one checked) rather than actions. */
      choice?: boolean;
      width?: number;
      onSelect(value: string): void;
    };

/** The items inline: buttons and selects in a row. */
export function InlineItems({ items }: { items: ToolItem[] }) {
  return (
    <>
      {items.map((it) =>
        it.kind === 'button' ? (
          <button key={it.testId} data-testid={it.testId} onClick={it.onClick} title={it.title} aria-label={it.ariaLabel} disabled={it.disabled}>
            {it.label}
          </button>
        ) : (
          <select
            key={it.testId}
            data-testid={it.testId}
            aria-label={it.label}
            value={it.value}
            style={it.width ? { width: it.width } : undefined}
            onChange={(e) => {
              const v = e.target.value;
              if (!it.choice) e.target.value = '';
              if (v) it.onSelect(v);
            }}
          >
            {it.options.map((o) => (
              <option key={o.value} value={o.value} title={o.title}>
                {o.label}
              </option>
            ))}
          </select>
        ),
      )}
    </>
  );
}

/** The items behind a menu button. */
export function MenuButton({ label, testId, items }: { label: string; testId: string; items: ToolItem[] }) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const focusItem = (which: 'first' | 'last' | 1 | -1) => {
    const list = Array.from(menu.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])') ?? []);
    if (!list.length) return;
    const at = list.indexOf(document.activeElement as HTMLElement);
    const next = which === 'first' ? 0 : which === 'last' ? list.length - 1 : (at + which + list.length) % list.length;
    list[next].focus();
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    requestAnimationFrame(() => focusItem('first'));
    const outside = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);
  const onMenuKey = (e: KeyboardEvent) => {
    const moves: Record<string, 'first' | 'last' | 1 | -1> = { ArrowDown: 1, ArrowUp: -1, Home: 'first', End: 'last' };
    if (e.key in moves) focusItem(moves[e.key]);
    else if (e.key === 'Escape') close(true);
    else if (e.key === 'Tab') setOpen(false);
    else return;
    if (e.key !== 'Tab') e.preventDefault();
    e.stopPropagation();
  };
  const run = (f: () => void) => {
    close(true);
    f();
  };
  return (
    <div className="menu" ref={root}>
      <button
        ref={button}
        data-testid={testId}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        {label} ▾
      </button>
      {open && (
        <div className="menu-popup" role="menu" id={menuId} aria-label={label} ref={menu} onKeyDown={onMenuKey} data-testid={`${testId}-popup`}>
          {items.map((it) =>
            it.kind === 'button' ? (
              <button
                key={it.testId}
                role="menuitem"
                tabIndex={-1}
                data-testid={it.testId}
                title={it.title}
                aria-disabled={it.disabled || undefined}
                onClick={() => !it.disabled && run(it.onClick)}
              >
                {it.ariaLabel ?? it.label}
              </button>
            ) : (
              <div key={it.testId} role="group" aria-label={it.label} className="menu-group">
                <div className="menu-heading" aria-hidden="true">
                  {it.label}
                </div>
                {it.options
                  .filter((o) => o.value !== '')
                  .map((o) => (
                    <button
                      key={o.value}
                      role={it.choice ? 'menuitemradio' : 'menuitem'}
                      aria-checked={it.choice ? o.value === it.value : undefined}
                      tabIndex={-1}
                      data-testid={`${it.testId}-${o.value}`}
                      title={o.title}
                      onClick={() => run(() => it.onSelect(o.value))}
                    >
                      {it.choice ? (o.value === it.value ? '✓ ' : '\u2003') : ''}
                      {o.label}
                    </button>
                  ))}
              </div>
            ),
          )}
        </div>
      )}
    </div>
  );
}

import type { ReactNode } from 'react';
import { useUiStore } from '../store/ui-store';
import { useT } from '../i18n';

export interface PanelTab {
  id: string;
  title: ReactNode;
  render(): ReactNode;
}

/** The right-hand panel: tabs (Inspector, Problems; later Run, Explain…) given by the app. */
export function RightPanel({ tabs }: { tabs: PanelTab[] }) {
  const { t: tr } = useT();
  const active = useUiStore((s) => s.rightTab);
  const set = useUiStore((s) => s.set);
  const tab = tabs.find((t) => t.id === active) ?? tabs[0];
  return (
    <aside className="right-panel" data-testid="right-panel">
      <nav role="tablist">
        {tabs.map((t) => (
          <button key={t.id} role="tab" aria-selected={t.id === tab.id} className={t.id === tab.id ? 'active' : ''} data-testid={`tab-${t.id}`} onClick={() => set({ rightTab: t.id })}>
            {typeof t.title === 'string' ? tr(`tabs.${t.id}`, { defaultValue: t.title }) : t.title}
          </button>
        ))}
      </nav>
      <div className="tab-body" role="tabpanel">
        {tab.render()}
      </div>
    </aside>
  );
}

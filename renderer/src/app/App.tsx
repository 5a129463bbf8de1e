import { useEffect, useState, type CSSProperties } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from '../canvas/Canvas';
import { Palette } from '../panels/Palette';
import { Inspector } from '../panels/Inspector';
import { Problems } from '../panels/Problems';
import { RightPanel, type PanelTab } from '../panels/RightPanel';
import { StatusBar } from '../panels/StatusBar';
import { Toolbar } from '../panels/Toolbar';
import { SummaryView } from '../panels/SummaryView';
import { Dialogs } from '../panels/Dialogs';
import { RecoveryBanner } from '../panels/RecoveryBanner';
import { Splitter } from '../panels/Splitter';
import { ConnectDialog } from '../panels/ConnectDialog';
import { InputShapeDialog } from '../panels/InputShapeDialog';
import { useUiStore } from '../store/ui-store';
import { useAnalysis } from '../store/document-store';
import { useDocumentProblems } from '../store/document-problems';
import { NodeSlotsContext, type NodeSlots } from '../canvas/node-slots';
import { useHostBindings } from './bindings';
import { useT } from '../i18n';

function ProblemsTitle() {
  const n = useAnalysis().diagnostics.filter((d) => d.severity !== 'info').length + useDocumentProblems().length;
  const { t } = useT();
  return (
    <>
      {t('tabs.problems')}{' '}
      <span className="count" data-testid="problems-count">
        {n}
      </span>
    </>
  );
}

/** The default right-panel tabs; features add theirs (e.g. a Run tab) through App's props. */
export const DEFAULT_TABS: PanelTab[] = [
  { id: 'inspector', title: 'Inspector', render: () => <Inspector /> },
  { id: 'problems', title: <ProblemsTitle />, render: () => <Problems /> },
];

function useResolvedTheme(): 'light' | 'dark' {
  const theme = useUiStore((s) => s.theme);
  const [systemDark, setSystemDark] = useState(() => matchMedia('(prefers-color-scheme: dark)').matches);
  useEffect(() => {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = () => setSystemDark(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  const resolved = theme === 'system' ? (systemDark ? 'dark' : 'light') : theme;
  useEffect(() => {
    document.documentElement.dataset.theme = resolved;
  }, [resolved]);
  return resolved;
}

/** Palette, canvas and the right panel; each panel can be resized (its splitter) or hidden. */
function Workspace({ tabs, colorMode }: { tabs: PanelTab[]; colorMode: 'light' | 'dark' }) {
  const panels = useUiStore((s) => s.panels);
  const style = { '--palette-width': `${panels.paletteWidth}px`, '--right-width': `${panels.rightWidth}px` } as CSSProperties;
  return (
    <main className="workspace" style={style}>
      {!panels.paletteHidden && (
        <>
          <Palette />
          <Splitter side="palette" />
        </>
      )}
      <Canvas colorMode={colorMode} />
      {!panels.rightHidden && (
        <>
          <Splitter side="right" />
          <RightPanel tabs={tabs} />
        </>
      )}
    </main>
  );
}

export function App({ tabs = DEFAULT_TABS, slots = {} }: { tabs?: PanelTab[]; slots?: NodeSlots }) {
  const colorMode = useResolvedTheme();
  useHostBindings();
  useEffect(() => useUiStore.getState().set({ cardExtraHeight: slots.thumbnailHeight ?? 0 }), [slots.thumbnailHeight]);
  return (
    <ReactFlowProvider>
      <NodeSlotsContext.Provider value={slots}>
        <div className="app" data-testid="app">
          <Toolbar />
          <RecoveryBanner />
          <Workspace tabs={tabs} colorMode={colorMode} />
          <StatusBar />
          <SummaryView />
          <Dialogs />
          <ConnectDialog />
          <InputShapeDialog />
        </div>
      </NodeSlotsContext.Provider>
    </ReactFlowProvider>
  );
}

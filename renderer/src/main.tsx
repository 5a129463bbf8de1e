import { z } from 'zod';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { App, DEFAULT_TABS } from './app/App';
import { host } from './app/host';
import { LIVE_SLOTS, LIVE_TABS } from './live/live-integration';
import { startLiveInference } from './live/live-store';
import { TRAIN_TAB } from './train/TrainPanel';
import { RUNS_TAB } from './train/RunsPanel';

// The page's CSP forbids eval: keep zod from probing for it.
z.config({ jitless: true });

// Live inference: every valid edit runs the graph in the engine (see renderer/src/live).
startLiveInference(host.engine);
const tabs = [...DEFAULT_TABS, ...LIVE_TABS, TRAIN_TAB, RUNS_TAB];

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App tabs={tabs} slots={LIVE_SLOTS} />
  </StrictMode>,
);

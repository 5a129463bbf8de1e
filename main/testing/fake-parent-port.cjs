// Preloaded (--require) into a Node child process by the fake `utilityProcess` (fake-electron.ts):
// gives it Electron's `process.parentPort` over Node's IPC channel, so the engine worker takes its
// utility-process path (and only that one). Like Electron ending utility processes with the app,
// it exits when the host goes. (Node also preloads this into loader-hook threads: no IPC there.)
const { EventEmitter } = require('node:events');
const { isMainThread } = require('node:worker_threads');

if (isMainThread && process.send) {
  const send = process.send.bind(process);
  const port = new EventEmitter();
  port.postMessage = (message) => send(message);
  process.on('message', (data) => port.emit('message', { data }));
  process.on('disconnect', () => process.exit(0));
  process.parentPort = port;
  // A utility process has no process.send: the engine must find parentPort.
  delete process.send;
}

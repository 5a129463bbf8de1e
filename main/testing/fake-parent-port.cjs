// Preloaded (--require) into a Node child process by the fake `utilityProcess` (fake-electron.ts):
// gives it Electron's `process.parentPort` over Node's IPC channel, so the engine worker takes its
// utility-process path. Like Electron ending utility processes with the app, it exits when the host goes.
const { EventEmitter } = require('node:events');

const port = new EventEmitter();
port.postMessage = (message) => process.send(message);
process.on('message', (data) => port.emit('message', { data }));
process.on('disconnect', () => process.exit(0));
process.parentPort = port;

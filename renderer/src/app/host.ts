/**
 * The Host the editor talks to (renderer/src/host: the preload bridge on the desktop, the WebSocket
 * and the browser's file APIs in browser mode). Everything in the editor imports it from here.
 */
export { host } from '../host';

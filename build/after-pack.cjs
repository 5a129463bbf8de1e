/**
 * electron-builder afterPack hook: set the Electron fuses on the packaged binary, before signing.
 *   RunAsNode off                       ELECTRON_RUN_AS_NODE cannot turn the app into a plain Node
 *   EnableCookieEncryption on           cookies encrypted with the OS keychain
 *   EnableNodeOptionsEnvironmentVariable off, EnableNodeCliInspectArguments off
 *   OnlyLoadAppFromAsar on              the app code comes from app.asar only
 *   EnableEmbeddedAsarIntegrityValidation on macOS and Windows (where Electron supports it)
 *   GrantFileProtocolExtraPrivileges off  (we serve app://, never file://)
 */
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

// electron-builder's Arch enum
const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

function fuseConfigFor(platform, arch) {
  return {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: platform === 'darwin' && arch === 'arm64',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: platform === 'darwin' || platform === 'win32',
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** The Electron executable inside a packed app folder. */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${name}.exe`);
  return path.join(appOutDir, packager.executableName);
}

async function afterPack(context) {
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const binary = electronBinaryPath(context);
  await flipFuses(binary, fuseConfigFor(context.electronPlatformName, arch));
  console.log(`  • electron fuses set  binary=${path.basename(binary)} platform=${context.electronPlatformName} arch=${arch}`);
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.fuseConfigFor = fuseConfigFor;
module.exports.electronBinaryPath = electronBinaryPath;

import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { modelPathFromArgv } from './launch-args';

describe('model file from the command line', () => {
  it('finds a .cnn.json argument and resolves it against the working directory', () => {
    expect(modelPathFromArgv(['/opt/CNN Studio/cnn-studio', 'nets/resnet.cnn.json'], '/home/u')).toBe(path.resolve('/home/u', 'nets/resnet.cnn.json'));
    expect(modelPathFromArgv(['electron', '.', '--inspect', 'A.CNN.JSON'], '/w')).toBe(path.resolve('/w', 'A.CNN.JSON'));
  });
  it('ignores switches, the app path and other files', () => {
    expect(modelPathFromArgv(['electron', '.', '--flag=x.cnn.json', 'notes.txt'], '/w')).toBeNull();
    expect(modelPathFromArgv(['x.cnn.json'], '/w')).toBeNull(); // argv[0] is the executable
  });
});

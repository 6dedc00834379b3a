import { readdirSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRunFile, readRunFile } from '../../../src/store/run-file.js';
import { tempDir } from '../../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function runFile(dir: string, name: string, value: string): string {
  const file = join(dir, `${name}.sqlite`);
  const rf = openRunFile(file);
  rf.writeMeta({ name: value });
  rf.close();
  return file;
}

/** Open descriptors of this process on files under `dir`. */
function openUnder(dir: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
    } catch {
      return false;
    }
  }).length;
}

describe('run files kept open for reading', () => {
  it('[17.7.3] a kept handle sees later commits, follows a replaced file, drops a deleted one, and at most 16 stay open', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = runFile(dir, 'run-a1b2c3', 'first');
    expect(readRunFile(file, (rf) => rf.readMeta().name)).toBe('first');
    // a write by another connection (a resumed run) is seen through the kept handle
    const writer = openRunFile(file);
    writer.writeMeta({ name: 'second' });
    writer.close();
    expect(readRunFile(file, (rf) => rf.readMeta().name)).toBe('second');
    // the path now names another file (a restore, a re-import): opened afresh
    const other = runFile(dir, 'run-d4e5f6', 'replacement');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    renameSync(other, file);
    for (const suffix of ['-wal', '-shm']) rmSync(`${other}${suffix}`, { force: true });
    expect(readRunFile(file, (rf) => rf.readMeta().name)).toBe('replacement');
    // deleted: the same error as opening it, and the handle is gone
    rmSync(file);
    expect(() => readRunFile(file, (rf) => rf.readMeta())).toThrow(/cannot open/);
    // a file that is not a run file: refused as by openRunFile
    writeFileSync(file, 'not a database at all, just text '.repeat(200));
    expect(() => readRunFile(file, (rf) => rf.readMeta())).toThrow();
    rmSync(file);
    // twenty runs read in turn: at most sixteen kept (each a database, its -wal and -shm)
    const before = openUnder(dir);
    for (let i = 0; i < 20; i++) {
      const f = runFile(dir, `run-many-${String(i).padStart(2, '0')}`, `n${i}`);
      expect(readRunFile(f, (rf) => rf.readMeta().name)).toBe(`n${i}`);
    }
    const kept = openUnder(dir) - before;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(16 * 3);
  });
});

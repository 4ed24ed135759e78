// The real file layer with faults on demand: failing writes (EIO, ENOSPC), hung or failing
// fdatasync, and counters, for storage fault tests.

import { NodeFileIO } from '../../src/store/io/file-io.js';

export class FlakyFileIO extends NodeFileIO {
  /** When set, the next write throws an error with this code (once). */
  failNextWrite: 'EIO' | 'ENOSPC' | null = null;
  /** When true, datasync never completes until released. */
  hangSync = false;
  /** When true, each datasync waits in `heldSyncs` until the test releases it, in any order. */
  holdSyncs = false;
  readonly heldSyncs: Array<{ readonly fd: number; release(): void }> = [];
  datasyncCalls = 0;
  writeCalls = 0;
  readonly #hung: Array<() => void> = [];

  override write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): void {
    this.writeCalls++;
    if (this.failNextWrite !== null) {
      const code = this.failNextWrite;
      this.failNextWrite = null;
      throw Object.assign(new Error(`${code}: injected write failure`), { code });
    }
    super.write(fd, buf, offset, length, position);
  }

  override datasync(fd: number): Promise<void> {
    this.datasyncCalls++;
    if (this.hangSync) return new Promise((resolve) => this.#hung.push(() => resolve(super.datasync(fd))));
    if (this.holdSyncs) return new Promise((resolve) => this.heldSyncs.push({ fd, release: () => resolve(super.datasync(fd)) }));
    return super.datasync(fd);
  }

  /** Lets hung syncs complete. */
  releaseSyncs(): void {
    this.hangSync = false;
    this.holdSyncs = false;
    for (const held of this.heldSyncs.splice(0)) held.release();
    for (const release of this.#hung.splice(0)) release();
  }
}

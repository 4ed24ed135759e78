// Owns: launching real rocketmq-ts server processes for tests: spawn, wait for the ready log
// line, stop or kill, and clean up (kill by PID, remove the temp dir) when the test ends.
// Counterpart: none (test support).
//
// Servers log pino JSON lines to stdout; each announces readiness with one constant message
// (`namesrv listening`, with `port`). We read stdout line by line until that message, and keep
// draining both pipes afterwards so a chatty server never blocks on a full pipe. The last lines
// are kept for error messages.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { repoRoot } from './fixtures.js';

/** Anything with node:test's `after` hook: a TestContext, or a suite's shim around `after()`. */
export interface CleanupScope {
  after(fn: () => unknown): void;
}

export const READY_TIMEOUT_MS_DEFAULT = 10_000;
export const STOP_GRACE_MS_DEFAULT = 5_000;
const OUTPUT_LINES_MAX = 200;

/** The rocketmq-ts executable (bin/rocketmq-ts, which runs dist/src/cli.js). */
export const binPath = path.join(repoRoot, 'bin', 'rocketmq-ts');

export interface SpawnServerOptions {
  /** Arguments after `node bin/rocketmq-ts`, e.g. ['namesrv', '--listenPort', '0']. */
  args: string[];
  /** The `msg` of the JSON log line that says the server is ready. */
  readyMsg: string;
  readyTimeoutMs?: number;
  /** Added to the parent's environment. */
  env?: Record<string, string>;
  cwd?: string;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly pid: number;
  /** The parsed ready line. */
  readonly ready: Record<string, unknown>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  readonly hasExited: boolean;
  /** The last lines of stdout and stderr, interleaved, for diagnostics. */
  output(): string;
  /** SIGTERM, wait for the exit; SIGKILL if it has not exited after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** SIGKILL and wait for the exit. Idempotent. */
  kill(): Promise<ExitStatus>;
}

export class ServerStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerStartError';
  }
}

/** Spawns `node bin/rocketmq-ts ...args` and resolves once it logs `readyMsg`. */
export function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [binPath, ...options.args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const remember = (stream: string, line: string): void => {
    lines.push(`[${stream}] ${line}`);
    if (lines.length > OUTPUT_LINES_MAX) lines.shift();
  };
  const output = (): string => lines.join('\n');

  let exitStatus: ExitStatus | null = null;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = { code, signal };
      resolve(exitStatus);
    });
  });
  readline.createInterface({ input: child.stderr! }).on('line', (line) => remember('stderr', line));
  const stdout = readline.createInterface({ input: child.stdout! });

  return new Promise<ServerProcess>((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const error = (): ServerStartError => new ServerStartError(`${why}; args: ${options.args.join(' ')}\n${output()}`);
      // A process that never started has no exit to wait for.
      if (child.pid === undefined) return reject(error());
      if (exitStatus === null) child.kill('SIGKILL');
      // Let the pipes drain so the error shows the server's last words.
      void exited.then(() => setImmediate(() => reject(error())));
    };
    const timeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS_DEFAULT;
    const timer = setTimeout(() => fail(`no "${options.readyMsg}" line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(`spawn failed: ${err.message}`));
    void exited.then((status) => fail(`exited before ready (code ${status.code}, signal ${status.signal})`));

    stdout.on('line', (line) => {
      remember('stdout', line);
      if (settled) return;
      const parsed = parseLogLine(line);
      if (parsed?.['msg'] !== options.readyMsg) return;
      settled = true;
      clearTimeout(timer);
      resolve(serverProcess(child, parsed, exited, () => exitStatus !== null, output));
    });
  });
}

function parseLogLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // Not a log line (a stray print); only the ready line matters here.
  }
}

function serverProcess(
  child: ChildProcess,
  ready: Record<string, unknown>,
  exited: Promise<ExitStatus>,
  hasExited: () => boolean,
  output: () => string,
): ServerProcess {
  const pid = child.pid!;
  const signal = (sig: NodeJS.Signals): void => {
    if (hasExited()) return;
    try {
      process.kill(pid, sig);
    } catch (err) {
      // ESRCH: it exited between the check and the signal, which is what we wanted.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  return {
    pid,
    ready,
    exited,
    get hasExited() {
      return hasExited();
    },
    output,
    async stop(graceMs = STOP_GRACE_MS_DEFAULT) {
      signal('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const escalate = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          signal('SIGKILL');
          resolve();
        }, graceMs);
      });
      await Promise.race([exited, escalate]);
      clearTimeout(timer);
      return exited;
    },
    async kill() {
      signal('SIGKILL');
      return exited;
    },
  };
}

/** A fresh directory under os.tmpdir(). */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// ---------------------------------------------------------------------------------------------
// NameServer

export interface StartNamesrvOptions {
  /** Extra `--key value` arguments, e.g. ['--scanNotActiveBrokerInterval', '100']. */
  args?: string[];
  /**
   * Reuse this directory (and its kvConfig.json) instead of making a fresh one, e.g. to restart a
   * NameServer on the KV config of a stopped one. The harness still removes it at test end.
   */
  dir?: string;
  readyTimeoutMs?: number;
}

export interface NamesrvProcess extends ServerProcess {
  /** '127.0.0.1:PORT' */
  readonly addr: string;
  readonly port: number;
  /** The NameServer's data directory; kvConfig.json lives here. */
  readonly dir: string;
  readonly kvConfigPath: string;
}

/**
 * Starts `rocketmq-ts namesrv` on 127.0.0.1, port 0, with its KV config in a temp dir. When the
 * test ends the process is killed by PID and the directory removed.
 */
export async function startNamesrv(t: CleanupScope, options: StartNamesrvOptions = {}): Promise<NamesrvProcess> {
  const dir = options.dir ?? makeTempDir('rocketmq-ts-namesrv-');
  const kvConfigPath = path.join(dir, 'kvConfig.json');
  let server: ServerProcess | undefined;
  // Registered before spawning, so a failed start still removes the directory.
  t.after(async () => {
    await server?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  server = await spawnServer({
    args: ['namesrv', '--listenPort', '0', '--bindAddress', '127.0.0.1', '--kvConfigPath', kvConfigPath, ...(options.args ?? [])],
    readyMsg: 'namesrv listening',
    ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
  });
  const port = server.ready['port'];
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0) {
    await server.kill();
    throw new ServerStartError(`ready line has no port: ${JSON.stringify(server.ready)}`);
  }
  return withDetails(server, { addr: `127.0.0.1:${port}`, port, dir, kvConfigPath });
}

/** A server handle with the details a launcher adds (address, port, directories). */
function withDetails<T extends object>(s: ServerProcess, details: T): ServerProcess & T {
  return {
    pid: s.pid,
    ready: s.ready,
    exited: s.exited,
    get hasExited() {
      return s.hasExited;
    },
    output: s.output,
    stop: s.stop,
    kill: s.kill,
    ...details,
  };
}

/** A free TCP port P on 127.0.0.1 whose fast-channel port P-2 is free too (a broker needs both). */
export async function freeBrokerPort(): Promise<number> {
  const tryListen = (port: number): Promise<net.Server | null> =>
    new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = await tryListen(0);
    if (probe === null) continue;
    const port = (probe.address() as net.AddressInfo).port;
    const fast = port > 1026 ? await tryListen(port - 2) : null;
    await new Promise((r) => probe.close(r));
    if (fast !== null) {
      await new Promise((r) => fast.close(r));
      return port;
    }
  }
  throw new Error('no free port pair for a broker');
}

export interface StartBrokerOptions {
  namesrvAddr: string;
  /** Extra `--key value` arguments (any broker.conf key). */
  args?: string[];
  /** Reuse a store directory (restart after a kill). */
  dir?: string;
  /** Reuse a port (restart). */
  port?: number;
  brokerName?: string;
}

export interface BrokerProcess extends ServerProcess {
  readonly addr: string;
  readonly port: number;
  readonly dir: string;
}

/** Starts `rocketmq-ts broker` on 127.0.0.1 with its store in a temp dir; killed and removed at test end. */
export async function startBroker(t: CleanupScope, options: StartBrokerOptions): Promise<BrokerProcess> {
  const dir = options.dir ?? makeTempDir('rocketmq-ts-broker-');
  const port = options.port ?? (await freeBrokerPort());
  let server: ServerProcess | undefined;
  t.after(async () => {
    await server?.kill();
    if (options.dir === undefined) fs.rmSync(dir, { recursive: true, force: true });
  });
  server = await spawnServer({
    args: [
      'broker',
      '-n', options.namesrvAddr,
      '--brokerName', options.brokerName ?? 'broker-a',
      '--brokerIP1', '127.0.0.1',
      '--bindAddress', '127.0.0.1',
      '--listenPort', String(port),
      '--storePathRootDir', dir,
      ...(options.args ?? []),
    ],
    readyMsg: 'broker started',
  });
  return withDetails(server, { addr: `127.0.0.1:${port}`, port, dir });
}

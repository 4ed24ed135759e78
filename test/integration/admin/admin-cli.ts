// Owns: running `node bin/rocketmq-ts admin ...` from admin tests, and reading broker state
// directly (our RemotingClient) to check what a command changed.
// Counterpart: none (test support).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import type { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { repoRoot } from '../../harness/fixtures.js';
import { binPath } from '../../harness/processes.js';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `rocketmq-ts admin <args>`; never throws for a non-zero exit. `env` replaces NAMESRV_ADDR handling when given. */
export async function admin(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const childEnv: Record<string, string | undefined> = { ...process.env, NAMESRV_ADDR: undefined, LOG_LEVEL: undefined, ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, [binPath, 'admin', ...args], { cwd: repoRoot, timeout: 15_000, env: childEnv as NodeJS.ProcessEnv });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number | string; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The same, with -n; fails the test with the output when the command fails. */
export async function adminOk(namesrvAddr: string, args: readonly string[]): Promise<string> {
  const result = await admin([...args, '-n', namesrvAddr]);
  if (result.code !== 0) throw new Error(`admin ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result.stdout;
}

/** The rows of a table printed by an admin command, split on runs of spaces, header dropped. */
export function tableRows(stdout: string, firstHeader: string): string[][] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith(firstHeader));
  if (start < 0) throw new Error(`no table starting with ${firstHeader} in:\n${stdout}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

/** A request to a broker or NameServer that must succeed; resolves with the response. */
export async function invokeOk(client: RemotingClient, addr: string, code: number, extFields: Record<string, string> | null = null, body: Buffer | null = null): Promise<RemotingCommand> {
  const response = await client.invokeSync(addr, RemotingCommand.request(code, extFields, body), 5000);
  if (response.code !== ResponseCode.SUCCESS) throw new Error(`request ${code} to ${addr}: code ${response.code} ${response.remark ?? ''}`);
  return response;
}

/** QUERY_CONSUMER_OFFSET as the broker stores it, or undefined when it has none. */
export async function brokerConsumerOffset(client: RemotingClient, brokerAddr: string, group: string, topic: string, queueId: number): Promise<number | undefined> {
  const response = await client.invokeSync(
    brokerAddr,
    RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: String(queueId) }),
    5000,
  );
  if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
  if (response.code !== ResponseCode.SUCCESS) throw new Error(`QUERY_CONSUMER_OFFSET: code ${response.code} ${response.remark ?? ''}`);
  return Number(response.ext('offset'));
}

// Remoting request/response on loopback: our server and client against a raw Node TCP echo of
// the same frames, measured in the same run.
//
//   node dist/bench/macro/remoting.bench.js [--seconds 5] [--connections 4] [--inflight 64] [--body 1024]
//       [--only echo|rocketmq|typed|json]
//
// The server runs in a child process so that client and server each get a core (the machines
// here have two). The raw echo writes every chunk straight back; its client counts frames by the
// length prefix and keeps the same number in flight. Ours decodes each request, dispatches it to
// a SEND_MESSAGE_V2-shaped handler that answers with SEND's response header, and the client
// matches the response by opaque.
//
// The main ROCKETMQ run measures the remoting layer: its handler reads one header field (the queue
// id) and its client only the response code, and header fields are decoded when read. The 'typed
// codec' run does what the broker and the producer do on top: the handler decodes the whole
// header with the SendMessage codec, and the client the whole response, so the two rows together
// show what decoding every field costs.

import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { RequestCode } from '../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { encodeCommandToBuffer, RemotingCommand, SerializeType } from '../../src/remoting/remoting-command.js';
import { handleWith } from '../../src/remoting/requests/define-request.js';
import { SendMessage } from '../../src/remoting/requests/send.js';
import { RemotingServer } from '../../src/remoting/server.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '4' },
    inflight: { type: 'string', default: '64' },
    body: { type: 'string', default: '1024' },
    role: { type: 'string' },
    /** Run one phase only (echo, rocketmq, typed, json), e.g. to profile it. */
    only: { type: 'string' },
  },
});

const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const INFLIGHT = Number(args.inflight);
const BODY = Buffer.alloc(Number(args.body), 0x61);

function sendHeader(i: number): Record<string, string> {
  return {
    a: 'bench_producer_group',
    b: 'BenchTopic',
    c: 'TBW102',
    d: '4',
    e: String(i & 3),
    f: '0',
    g: String(Date.now()),
    h: '0',
    i: 'KEYS\u0001key-' + i + '\u0002TAGS\u0001TagA\u0002UNIQ_KEY\u00017F000001000018B4AAC2' + (i & 0xffff).toString(16).padStart(8, '0') + '\u0002WAIT\u0001true',
    j: '0',
    k: 'false',
    m: 'false',
    n: 'broker-a',
  };
}

// ---------------------------------------------------------------------------------------------
// Server roles (child process)

async function serveOurs(): Promise<number> {
  const server = new RemotingServer({ logger: pino({ level: 'silent' }) });
  let offset = 0;
  server.registerHandler(RequestCode.SEND_MESSAGE_V2, (request) => {
    const queueOffset = offset++;
    return RemotingCommand.response(ResponseCode.SUCCESS, null, {
      msgId: '7F00000100002A9F' + queueOffset.toString(16).toUpperCase().padStart(16, '0'),
      queueId: request.ext('e') ?? '0',
      queueOffset: String(queueOffset),
      MSG_REGION: 'DefaultRegion',
      TRACE_ON: 'true',
    });
  });
  // The typed run sends SEND_BATCH_MESSAGE, which the SendMessage codec reads exactly as
  // SEND_MESSAGE_V2: only the code differs, so that it reaches this handler.
  server.registerHandler(RequestCode.SEND_BATCH_MESSAGE, handleWith(SendMessage, (header) => {
    const queueOffset = offset++;
    const response = RemotingCommand.response(ResponseCode.SUCCESS, null, SendMessage.encodeResponse({
      msgId: '7F00000100002A9F' + queueOffset.toString(16).toUpperCase().padStart(16, '0'),
      queueId: header.queueId,
      queueOffset,
    }));
    response.extFields!['MSG_REGION'] = 'DefaultRegion';
    response.extFields!['TRACE_ON'] = 'true';
    return response;
  }));
  return server.listen(0, '127.0.0.1');
}

async function serveEcho(): Promise<number> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as net.AddressInfo).port;
}

if (args.role !== undefined) {
  const port = args.role === 'echo' ? await serveEcho() : await serveOurs();
  process.on('SIGTERM', () => process.exit(0)); // exits cleanly, so --cpu-prof can write its profile
  // The parent asks for this process's CPU time at the start and end of each measured window.
  process.on('message', () => process.send!({ cpu: cpuMicros() }));
  process.send!({ port });
} else {
  await main();
}

// ---------------------------------------------------------------------------------------------
// Client side (main process)

/** User plus system CPU time of this process, in microseconds. */
function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** The server child's CPU time, in microseconds. */
function serverCpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown): void => {
      const cpu = (m as { cpu?: number }).cpu;
      if (cpu === undefined) return;
      child.off('message', onMessage);
      resolve(cpu);
    };
    child.on('message', onMessage);
    child.send({});
  });
}

/** One measured run: requests per second, and CPU microseconds per request on each side. */
interface Figures {
  rate: number;
  clientCpuUs: number;
  serverCpuUs: number;
}

async function startServer(role: 'echo' | 'ours'): Promise<{ child: ChildProcess; port: number }> {
  // BENCH_SERVER_EXEC_ARGV (e.g. --cpu-prof) lets the server side be profiled.
  const execArgv = process.env['BENCH_SERVER_EXEC_ARGV']?.split(' ').filter(Boolean) ?? [];
  const child = fork(fileURLToPath(import.meta.url), ['--role', role], { stdio: 'inherit', execArgv });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${role} server exited with ${code}`)));
  });
  return { child, port };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Raw client: keeps INFLIGHT frames outstanding per connection, counts whole frames coming back. */
async function runEcho(child: ChildProcess, port: number, seconds: number): Promise<Figures> {
  const cmd = RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, sendHeader(1), BODY);
  cmd.serializeType = SerializeType.ROCKETMQ;
  const frame = encodeCommandToBuffer(cmd);
  let completed = 0;
  let running = true;
  const sockets = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => new Promise<net.Socket>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
      socket.setNoDelay(true);
    })),
  );
  for (const socket of sockets) {
    let pending = 0; // bytes of the current partial frame still to come
    let header = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      let pos = 0;
      let frames = 0;
      while (pos < chunk.length) {
        if (pending > 0) {
          const take = Math.min(pending, chunk.length - pos);
          pending -= take;
          pos += take;
          if (pending === 0) frames++;
          continue;
        }
        const need = 4 - header.length;
        const piece = chunk.subarray(pos, pos + need);
        header = header.length === 0 ? Buffer.from(piece) : Buffer.concat([header, piece]);
        pos += piece.length;
        if (header.length === 4) {
          pending = header.readInt32BE(0);
          header = Buffer.alloc(0);
        }
      }
      completed += frames;
      if (running && frames > 0) {
        socket.cork();
        for (let i = 0; i < frames; i++) socket.write(frame);
        socket.uncork();
      }
    });
    socket.cork();
    for (let i = 0; i < INFLIGHT; i++) socket.write(frame);
    socket.uncork();
  }
  const figures = await measure(() => completed, seconds, child);
  running = false;
  for (const socket of sockets) socket.destroy();
  return figures;
}

/** Whether a response decodes as the producer reads it: the SendMessage response header and the two properties. */
function readsAsProducer(response: RemotingCommand): boolean {
  const header = SendMessage.decodeResponse(response);
  return header.ok && response.ext('MSG_REGION') !== undefined && response.ext('TRACE_ON') !== undefined;
}

async function runOurs(child: ChildProcess, port: number, seconds: number, serializeType: SerializeType, typed = false): Promise<Figures> {
  // A client keeps one connection per address, so each connection gets its own client.
  const clients = Array.from({ length: CONNECTIONS }, () => new RemotingClient({ serializeType }));
  const addr = `127.0.0.1:${port}`;
  let completed = 0;
  let failed = 0;
  let running = true;
  let sequence = 0;
  const fire = (client: RemotingClient): void => {
    const code = typed ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE_V2;
    const request = RemotingCommand.request(code, sendHeader(sequence++), BODY);
    client.invokeAsync(addr, request, 10_000, (err, response) => {
      if (err !== null || response!.code !== ResponseCode.SUCCESS || (typed && !readsAsProducer(response!))) failed++;
      else completed++;
      if (running) fire(client);
    });
  };
  for (const client of clients) for (let i = 0; i < INFLIGHT; i++) fire(client);
  const figures = await measure(() => completed, seconds, child);
  running = false;
  for (const client of clients) client.shutdown();
  if (failed > CONNECTIONS * INFLIGHT) throw new Error(`${failed} requests failed`);
  return figures;
}

/**
 * Completed requests per second over `seconds`, after a warm-up of a fifth of that, and the CPU
 * time each side spent per request meanwhile (a side below 1 s of CPU per second was waiting).
 */
async function measure(completed: () => number, seconds: number, server: ChildProcess): Promise<Figures> {
  await sleep(seconds * 200);
  const serverCpu0 = await serverCpuMicros(server);
  const clientCpu0 = cpuMicros();
  const start = completed();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const done = completed() - start;
  const elapsedMs = performance.now() - t0;
  const clientCpu = cpuMicros() - clientCpu0;
  const serverCpu = (await serverCpuMicros(server)) - serverCpu0;
  return { rate: (done * 1000) / elapsedMs, clientCpuUs: clientCpu / done, serverCpuUs: serverCpu / done };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  const results: Record<string, Figures> = {};
  const want = (phase: string): boolean => args.only === undefined || args.only === phase;
  if (want('echo')) {
    const echo = await startServer('echo');
    results['raw echo'] = await runEcho(echo.child, echo.port, SECONDS);
    await stop(echo.child);
  }
  if (want('rocketmq') || want('typed') || want('json')) {
    const ours = await startServer('ours');
    if (want('rocketmq')) results['rocketmq-ts, ROCKETMQ header'] = await runOurs(ours.child, ours.port, SECONDS, SerializeType.ROCKETMQ);
    if (want('typed')) results['rocketmq-ts, ROCKETMQ header, typed codec both sides'] = await runOurs(ours.child, ours.port, SECONDS, SerializeType.ROCKETMQ, true);
    if (want('json')) results['rocketmq-ts, JSON header'] = await runOurs(ours.child, ours.port, SECONDS, SerializeType.JSON);
    await stop(ours.child);
  }

  const baseline = results['raw echo']?.rate ?? Number.NaN;
  console.log(`remoting request/response, ${CONNECTIONS} connections x ${INFLIGHT} in flight, ${BODY.length}-byte body, SEND_MESSAGE_V2 headers, ${SECONDS}s each`);
  console.log('| run | req/s | of raw echo | client CPU µs/req | server CPU µs/req |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, { rate, clientCpuUs, serverCpuUs }] of Object.entries(results)) {
    console.log(`| ${name} | ${Math.round(rate)} | ${((rate / baseline) * 100).toFixed(0)}% | ${clientCpuUs.toFixed(2)} | ${serverCpuUs.toFixed(2)} |`);
  }
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const record = { bench: 'remoting', date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, connections: CONNECTIONS, inflight: INFLIGHT, bodyBytes: BODY.length, seconds: SECONDS, results };
  fs.writeFileSync(path.join(dir, `remoting-${Date.now()}.json`), JSON.stringify(record, null, 2));
}

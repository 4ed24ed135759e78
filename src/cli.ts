// Owns: the `rocketmq-ts` command line. The only place that reads argv and the environment, and
// the only place that exits.

import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import pino, { type Logger } from 'pino';
import type { ConfigRegistry, ConfigSpec } from './common/config/config-registry.js';
import { parseProperties } from './common/config/properties.js';
import { MQError } from './common/mq-error.js';
import { Namesrv } from './namesrv/namesrv.js';
import { namesrvConfigRegistry } from './namesrv/namesrv-config.js';
import { Broker } from './broker/broker.js';
import { brokerConfigRegistry } from './broker/config/broker-config.js';
import { AdminClient } from './client/admin/admin-client.js';
import type { AdminCommand, AdminCommandContext, OptionValues } from './admin/command.js';
import { ADMIN_COMMANDS } from './admin/commands.js';

const VERSION = readPackageVersion();

function readPackageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0'; // Running from an unusual layout: the version is informational only.
  }
}

function makeLogger(): Logger {
  return pino({ level: process.env['LOG_LEVEL'] ?? 'info', base: { pid: process.pid } });
}

/** `--key value` and `--key=value` pairs left over after commander's own options. */
function parseKeyValueArgs(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new CommanderError(1, 'rocketmq-ts.args', `unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      out.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else {
      const value = args[i + 1];
      if (value === undefined) throw new CommanderError(1, 'rocketmq-ts.args', `option ${arg} needs a value`);
      out.set(arg.slice(2), value);
      i++;
    }
  }
  return out;
}

function readConfigFile(file: string | undefined): Map<string, string> {
  if (file === undefined) return new Map();
  return parseProperties(fs.readFileSync(file, 'utf8'));
}

function resolveConfig<S extends ConfigSpec>(registry: ConfigRegistry<S>, sources: Map<string, string>[], logger: Logger, strictKeys: Set<string>) {
  const result = registry.resolve(sources);
  for (const key of result.unknownKeys) {
    if (strictKeys.has(key)) throw new CommanderError(1, 'rocketmq-ts.config', `unknown option --${key}`);
    logger.warn({ key }, 'unknown config key ignored');
  }
  for (const key of result.unimplementedKeys) logger.warn({ key }, 'config key accepted but not acted on');
  return result.config;
}

function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    void stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed after ${signal}: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

export function buildProgram(): Command {
  const program = new Command('rocketmq-ts')
    .description('Apache RocketMQ in TypeScript: NameServer, broker, clients; wire- and disk-compatible.')
    .version(VERSION);

  program
    .command('namesrv')
    .description('run a NameServer (routes and broker liveness); any namesrv.conf key may be given as --key value')
    .option('-c, --configFile <file>', 'namesrv.conf (Java properties, RocketMQ keys)')
    .option('-p, --printConfigItem', 'print the effective config and exit')
    .option('--listenPort <port>', 'TCP port (default 9876; 0 picks a free port)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (opts: { configFile?: string; printConfigItem?: boolean; listenPort?: string }, cmd: Command) => {
      const logger = makeLogger();
      const cliValues = parseKeyValueArgs(cmd.args);
      if (opts.listenPort !== undefined) cliValues.set('listenPort', opts.listenPort);
      const env = new Map<string, string>();
      if (process.env['ROCKETMQ_HOME']) env.set('rocketmqHome', process.env['ROCKETMQ_HOME']);
      const config = resolveConfig(namesrvConfigRegistry, [env, readConfigFile(opts.configFile), cliValues], logger, new Set(cliValues.keys()));
      if (opts.printConfigItem) {
        for (const [k, v] of Object.entries(namesrvConfigRegistry.printable(config))) process.stdout.write(`${k}=${String(v)}\n`);
        return;
      }
      const namesrv = new Namesrv({ config, logger });
      await namesrv.start();
      onSignals(() => namesrv.shutdown());
    });

  program
    .command('broker')
    .description('run a broker; reads RocketMQ broker.conf keys, any of which may be given as --key value')
    .option('-c, --configFile <file>', 'broker.conf (Java properties, RocketMQ keys)')
    .option('-n, --namesrvAddr <addrs>', 'NameServer addresses, "host:port;host:port"')
    .option('-p, --printConfigItem', 'print the effective config and exit')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (opts: { configFile?: string; namesrvAddr?: string; printConfigItem?: boolean }, cmd: Command) => {
      const logger = makeLogger();
      const cliValues = parseKeyValueArgs(cmd.args);
      if (opts.namesrvAddr !== undefined) cliValues.set('namesrvAddr', opts.namesrvAddr);
      const env = new Map<string, string>();
      if (process.env['NAMESRV_ADDR']) env.set('namesrvAddr', process.env['NAMESRV_ADDR']);
      const config = resolveConfig(brokerConfigRegistry, [env, readConfigFile(opts.configFile), cliValues], logger, new Set(cliValues.keys()));
      if (opts.printConfigItem) {
        for (const [k, v] of Object.entries(brokerConfigRegistry.printable(config))) process.stdout.write(`${k}=${String(v)}\n`);
        return;
      }
      const broker = new Broker({ config, logger });
      await broker.start();
      onSignals(() => broker.shutdown());
    });

  program
    .command('dev')
    .description('the embedded default for development: a NameServer and a broker in one process, data under ./data; any broker.conf key as --key value')
    .option('--dir <dir>', 'data directory', './data')
    .option('--namesrvPort <port>', 'NameServer port', '9876')
    .option('--brokerPort <port>', 'broker port (the fast channel is this minus 2)', '10911')
    .option('--host <host>', 'address to bind and advertise', '127.0.0.1')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (opts: { dir: string; namesrvPort: string; brokerPort: string; host: string }, cmd: Command) => {
      const logger = makeLogger();
      const dir = path.resolve(opts.dir);
      const namesrvConfig = resolveConfig(
        namesrvConfigRegistry,
        [new Map([['listenPort', opts.namesrvPort], ['bindAddress', opts.host], ['kvConfigPath', path.join(dir, 'namesrv', 'kvConfig.json')]])],
        logger,
        new Set(),
      );
      const namesrv = new Namesrv({ config: namesrvConfig, logger });
      const namesrvPort = await namesrv.start();
      const namesrvAddr = `${opts.host}:${namesrvPort}`;
      const brokerValues = new Map([
        ['brokerName', 'broker-a'],
        ['brokerIP1', opts.host],
        ['bindAddress', opts.host],
        ['listenPort', opts.brokerPort],
        ['namesrvAddr', namesrvAddr],
        ['storePathRootDir', path.join(dir, 'store')],
      ]);
      const cliValues = parseKeyValueArgs(cmd.args);
      const brokerConfig = resolveConfig(brokerConfigRegistry, [brokerValues, cliValues], logger, new Set(cliValues.keys()));
      const broker = new Broker({ config: brokerConfig, logger });
      await broker.start();
      logger.info({ namesrvAddr, brokerAddr: broker.context.brokerAddr, dir }, 'rocketmq-ts dev ready');
      onSignals(async () => {
        await broker.shutdown();
        await namesrv.shutdown();
      });
    });

  addAdminCommands(program);
  return program;
}

/** An error and its causes, one clause each: "updateTopic failed: connect to ... failed: ECONNREFUSED". */
function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (!parts.some((p) => p.includes(message))) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ');
}

/** Runs one admin command with its own AdminClient; exits non-zero with the reason when it fails. */
async function runAdminCommand(command: AdminCommand, options: OptionValues & { namesrvAddr?: string }): Promise<void> {
  // Java's mqadmin reads the NameServer from -n, else from NAMESRV_ADDR.
  const namesrvAddr = options.namesrvAddr ?? process.env['NAMESRV_ADDR'];
  if (namesrvAddr === undefined || namesrvAddr.trim() === '') {
    process.stderr.write(`error: ${command.name}: no NameServer address; give -n host:port[;host:port] or set NAMESRV_ADDR\n`);
    process.exit(1);
  }
  // `admin topicList | head`: a reader that stops early is not a failure of the command.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  // Client logs go to stderr, off unless LOG_LEVEL asks, so stdout holds only the command's output.
  const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' }, pino.destination(2));
  const admin = new AdminClient({ namesrvAddr, logger });
  const ctx: AdminCommandContext = {
    admin,
    println: (line = '') => void process.stdout.write(`${line}\n`),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  let failure: unknown;
  try {
    await admin.start();
    await command.run(ctx, options);
  } catch (err) {
    failure = err;
  } finally {
    await admin.shutdown();
  }
  if (failure !== undefined) {
    process.stderr.write(`error: ${command.name} failed: ${describeError(failure)}\n`);
    process.exit(1);
  }
  // The client has closed its connections, so the process ends by itself once stdout drains; the
  // unref'd timer only acts if something (a library timer) would keep it alive anyway.
  setTimeout(() => process.exit(0), 2000).unref();
}

function addAdminCommands(program: Command): void {
  const admin = program
    .command('admin')
    .description("the mqadmin equivalent: topics, groups, offsets and messages of a cluster (each command takes -n namesrvAddr, or NAMESRV_ADDR)");
  for (const command of ADMIN_COMMANDS) {
    const sub = admin.command(command.name).description(command.description);
    sub.option('-n, --namesrvAddr <addrs>', 'NameServer addresses, "host:port;host:port" (default: NAMESRV_ADDR)');
    for (const option of command.options) {
      if (option.required === true) sub.requiredOption(option.flags, option.description);
      else sub.option(option.flags, option.description);
    }
    sub.action(async (options: OptionValues & { namesrvAddr?: string }) => runAdminCommand(command, options));
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode !== 0 && !['commander.help', 'commander.helpDisplayed', 'commander.version'].includes(err.code)) {
        if (!err.code.startsWith('commander.')) process.stderr.write(`error: ${err.message}\n`);
      }
      process.exit(err.exitCode);
    }
    if (err instanceof MQError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exit(1);
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

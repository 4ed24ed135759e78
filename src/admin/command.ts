// Owns: what an admin command is — its mqadmin name, description, flags, and the function that
// runs it against an AdminClient and prints to an output — and the flag parsing they share.
// Counterpart: org.apache.rocketmq.tools.command.SubCommand (4.9.8).
//
// Commands never read argv or the environment and never exit: cli.ts builds each one into a
// commander subcommand, makes the AdminClient from -n (or NAMESRV_ADDR), runs it, and turns a
// thrown error into a message and a non-zero exit.

import { ConfigError } from '../common/mq-error.js';
import type { AdminClient } from '../client/admin/admin-client.js';

/** One flag, in commander's syntax: '-t, --topic <topic>' takes a value, '-l, --list' does not. */
export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  /** commander refuses to run the command without it. */
  readonly required?: boolean;
}

/** The values commander parsed, by long name: a string, or true for a flag without a value. */
export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface AdminCommandContext {
  readonly admin: AdminClient;
  /** Writes one line (a newline is added). */
  println(line?: string): void;
  /** The clock, for "now" and relative times. */
  now(): number;
  /** Pauses between repeated prints (clusterList -i). */
  sleep(ms: number): Promise<void>;
}

export interface AdminCommand {
  /** mqadmin's command name, e.g. updateTopic. */
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  run(ctx: AdminCommandContext, options: OptionValues): Promise<void>;
}

/** The string value of a flag, trimmed, or undefined. */
export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

/** A flag commander guarantees (required: true). */
export function requiredString(options: OptionValues, name: string): string {
  const value = stringOption(options, name);
  if (value === undefined || value === '') throw new ConfigError(`option --${name} needs a value`, { key: name });
  return value;
}

/** An integer flag; a value that is not an integer is a ConfigError naming the flag. */
export function intOption(options: OptionValues, name: string): number | undefined {
  const raw = stringOption(options, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw === '' || !Number.isSafeInteger(n)) throw new ConfigError(`--${name}=${raw}: expected an integer`, { key: name });
  return n;
}

/** A "true|false" flag as Java's Boolean.parseBoolean reads it: "true" (any case) is true, anything else false. */
export function boolOption(options: OptionValues, name: string): boolean | undefined {
  const raw = stringOption(options, name);
  return raw === undefined ? undefined : raw.toLowerCase() === 'true';
}

/** A flag without a value (topicList -c, topicRoute -l). */
export function flagOption(options: OptionValues, name: string): boolean {
  return options[name] === true;
}

/** mqadmin's -b brokerAddr / -c clusterName pair: exactly one of them. */
export function brokerOrCluster(options: OptionValues): { brokerAddr: string } | { clusterName: string } {
  const brokerAddr = stringOption(options, 'brokerAddr');
  const clusterName = stringOption(options, 'clusterName');
  if (brokerAddr !== undefined && brokerAddr !== '') return { brokerAddr };
  if (clusterName !== undefined && clusterName !== '') return { clusterName };
  throw new ConfigError('one of -b <brokerAddr> or -c <clusterName> is required', { key: 'brokerAddr' });
}

export const BROKER_ADDR_OPTION: OptionSpec = { flags: '-b, --brokerAddr <addr>', description: 'broker address, host:port (or -c)' };
export const CLUSTER_NAME_OPTION: OptionSpec = { flags: '-c, --clusterName <name>', description: 'every master of this cluster (or -b)' };

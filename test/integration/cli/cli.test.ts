import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { binPath, freeBrokerPort, makeTempDir, spawnServer } from '../../harness/processes.js';
import { repoRoot } from '../../harness/fixtures.js';

const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [binPath, ...args], { cwd: repoRoot, timeout: 10_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('rocketmq-ts command line', () => {
  test('--help lists the commands, and each command has its own --help', async () => {
    const top = await cli(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /namesrv/);
    assert.match(top.stdout, /dev/);
    for (const command of ['namesrv', 'dev']) {
      const help = await cli([command, '--help']);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, new RegExp(`Usage: rocketmq-ts ${command}`));
    }
  });

  test('namesrv -p prints the effective config, the file under the command line', async () => {
    const dir = makeTempDir('rmqts-cli-');
    try {
      const conf = path.join(dir, 'namesrv.conf');
      fs.writeFileSync(conf, '# a RocketMQ namesrv.conf\nlistenPort=19876\norderMessageEnable = true\nkvConfigPath=/tmp/x/kv.json\n');
      const printed = await cli(['namesrv', '-c', conf, '--kvConfigPath', '/tmp/y/kv.json', '-p']);
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, /^listenPort=19876$/m);
      assert.match(printed.stdout, /^orderMessageEnable=true$/m);
      assert.match(printed.stdout, /^kvConfigPath=\/tmp\/y\/kv.json$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bad config value stops startup with an error naming the key', async () => {
    const bad = await cli(['namesrv', '--listenPort', 'abc']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /listenPort=abc: expected an integer/);
  });

  test('an unknown --key on the command line is an error; in a file it is a warning', async () => {
    const unknown = await cli(['namesrv', '--noSuchKey', '1', '-p']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown option --noSuchKey/);
    const dir = makeTempDir('rmqts-cli-');
    try {
      const conf = path.join(dir, 'namesrv.conf');
      fs.writeFileSync(conf, 'someFutureKey=1\n');
      const warned = await cli(['namesrv', '-c', conf, '-p']);
      assert.equal(warned.code, 0, warned.stderr);
      assert.match(warned.stdout, /"key":"someFutureKey".*unknown config key ignored/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('dev (npm start) serves a NameServer and a broker, and keeps its data under --dir', async (t) => {
    const dir = makeTempDir('rmqts-dev-');
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const brokerPort = await freeBrokerPort();
    const dev = await spawnServer({ args: ['dev', '--dir', dir, '--namesrvPort', '0', '--brokerPort', String(brokerPort)], readyMsg: 'rocketmq-ts dev ready' });
    assert.equal(dev.ready['brokerAddr'], `127.0.0.1:${brokerPort}`);
    t.after(() => dev.kill());
    const addr = dev.ready['namesrvAddr'] as string;
    assert.match(addr, /^127\.0\.0\.1:\d+$/);
    const client = new RemotingClient();
    t.after(() => client.shutdown());
    const put = await client.invokeSync(addr, RemotingCommand.request(RequestCode.PUT_KV_CONFIG, { namespace: 'ns', key: 'k', value: 'v' }), 3000);
    assert.equal(put.code, ResponseCode.SUCCESS);
    assert.ok(fs.existsSync(path.join(dir, 'namesrv', 'kvConfig.json')));
    const route = await client.invokeSync(addr, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Nope' }), 3000);
    assert.equal(route.code, ResponseCode.TOPIC_NOT_EXIST);
    // The embedded broker registered itself: the auto-create template routes to it.
    const template = await client.invokeSync(addr, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' }), 3000);
    assert.equal(template.code, ResponseCode.SUCCESS);
    assert.match(template.body!.toString(), new RegExp(`127\\.0\\.0\\.1:${brokerPort}`));
    assert.ok(fs.existsSync(path.join(dir, 'store', 'commitlog')), 'the broker store lives under --dir');
    const status = await dev.stop();
    assert.equal(status.code, 0, 'dev did not exit cleanly on SIGTERM');
  });
});

describe('the README quick start', () => {
  test('examples/quickstart.mjs sends and receives through a dev process', async (t) => {
    const dir = makeTempDir('rmqts-quickstart-');
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const brokerPort = await freeBrokerPort();
    const dev = await spawnServer({ args: ['dev', '--dir', dir, '--namesrvPort', '0', '--brokerPort', String(brokerPort)], readyMsg: 'rocketmq-ts dev ready' });
    t.after(() => dev.kill());
    const { stdout } = await run(process.execPath, [path.join(repoRoot, 'examples', 'quickstart.mjs')], {
      cwd: repoRoot,
      timeout: 30_000,
      env: { ...process.env, NAMESRV_ADDR: dev.ready['namesrvAddr'] as string, BROKER_ADDR: `127.0.0.1:${brokerPort}` },
    });
    assert.match(stdout, /^sent SEND_OK [0-9A-F]{32}$/m);
    assert.match(stdout, /^received order-1 TagA hello at /m);
  });

  test('examples/client-quickstart.mjs sends and receives with the rocketmq-ts client', async (t) => {
    const dir = makeTempDir('rmqts-client-quickstart-');
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const brokerPort = await freeBrokerPort();
    const dev = await spawnServer({ args: ['dev', '--dir', dir, '--namesrvPort', '0', '--brokerPort', String(brokerPort)], readyMsg: 'rocketmq-ts dev ready' });
    t.after(() => dev.kill());
    const { stdout } = await run(process.execPath, [path.join(repoRoot, 'examples', 'client-quickstart.mjs')], {
      cwd: repoRoot,
      timeout: 30_000,
      env: { ...process.env, NAMESRV_ADDR: dev.ready['namesrvAddr'] as string },
    });
    assert.equal(stdout.match(/^sent SEND_OK [0-9A-F]{32} queue \d$/gm)?.length, 3, stdout);
    for (let i = 1; i <= 3; i++) assert.match(stdout, new RegExp(`^received [0-9A-F]{32} order-${i} hello ${i}$`, 'm'));
    assert.match(stdout, /^done$/m);
  });
});

'use strict';
// Drives eureka-js-client for the EStore compatibility tests.
// Usage: node probe.js '<json: the Eureka client configuration>'
// Prints one JSON object per line on stdout (events and answers); reads commands on stdin:
//   resolve <APP-ID>   -> {"event":"instances","key":...,"instances":[...]} from getInstancesByAppId
//   vip <VIP-ADDRESS>  -> the same from getInstancesByVipAddress
//   stop               -> deregisters (when registered), prints {"event":"stopped"} and exits
const readline = require('readline');
const { Eureka } = require('eureka-js-client');

function emit(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function describe(instance) {
  return {
    app: instance.app,
    instanceId: instance.instanceId,
    hostName: instance.hostName,
    ipAddr: instance.ipAddr,
    port: instance.port && instance.port.$,
    status: instance.status,
    vipAddress: instance.vipAddress,
  };
}

const logger = {
  debug() {},
  info() {},
  warn(...args) { process.stderr.write('warn: ' + args.map(String).join(' ') + '\n'); },
  error(...args) { process.stderr.write('error: ' + args.map(String).join(' ') + '\n'); },
};

const config = JSON.parse(process.argv[2]);
const client = new Eureka(Object.assign({ logger, cwd: __dirname }, config));
for (const event of ['registered', 'deregistered', 'heartbeat', 'registryUpdated']) {
  client.on(event, () => emit({ event }));
}

client.start((error) => emit({ event: 'started', error: error ? String(error) : null }));

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const [command, argument] = line.trim().split(/\s+/, 2);
  if (command === 'resolve') {
    emit({ event: 'instances', key: argument, instances: client.getInstancesByAppId(argument).map(describe) });
  } else if (command === 'vip') {
    emit({ event: 'instances', key: argument, instances: client.getInstancesByVipAddress(argument).map(describe) });
  } else if (command === 'stop') {
    client.stop((error) => {
      emit({ event: 'stopped', error: error ? String(error) : null });
      process.exit(0);
    });
  }
});
// The test owns this process: when its stdin closes, stop without deregistering.
input.on('close', () => process.exit(0));

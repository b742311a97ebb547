// A process with the guards installed that fails in one way (argv[2]), then reports whether it is
// still serving. Run by process-guards.test.ts; not a test itself.
import { createServer } from 'node:net';
import { createLogger } from '../../src/log.js';
import { installProcessGuards } from '../../src/startup/process-guards.js';

installProcessGuards(createLogger('info'));
const reportStillServing = () => setTimeout(() => process.stderr.write('still serving\n'), 20);

switch (process.argv[2]) {
  case 'rejection':
    // As an SDK's request error would, it carries the request and its token.
    void Promise.reject(Object.assign(new Error('request failed'), { config: { headers: { authorization: 'Bearer xoxb-guard-secret' } } }));
    reportStillServing();
    break;
  case 'exception':
    setTimeout(() => {
      throw new TypeError("Cannot read properties of null (reading 'ssl_check')");
    }, 0);
    reportStillServing();
    break;
  case 'port-lost': {
    // A second server on a taken port, with no error listener: the process can no longer serve.
    const first = createServer().listen(0, () => {
      createServer().listen((first.address() as { port: number }).port);
      reportStillServing();
    });
    break;
  }
  default:
    throw new Error(`unknown mode ${process.argv[2]}`);
}
setTimeout(() => process.exit(0), 1_000).unref();

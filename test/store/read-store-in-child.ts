/**
 * Run by sqlite-processes.test.ts in a second process: opens the store at argv[2], prints the
 * `links` value at argv[3] as JSON, then writes `meta`/`from-child` and exits.
 */
import { openStore } from '../../src/store/index.js';

const [url, key] = process.argv.slice(2);
if (!url || !key) throw new Error('usage: read-store-in-child.ts <store url> <links key>');
const store = await openStore(url);
const value = await store.collection('links').get(key);
await store.collection('meta').put('from-child', { pid: process.pid });
await store.close();
process.stdout.write(JSON.stringify({ value: value ?? null }));

// The `--queue redis://HOST:PORT[/DB][?queue=NAME]` URL: parsed before any work (a bad one is a
// usage error, exit 2) and checked for reachability (an unreachable one is a runtime error, exit 1).
import { Redis, type RedisOptions } from 'ioredis';
import { ExecutorUsageError } from './types.js';

/** Where the queue lives: Redis connection options for BullMQ and the queue's name. */
export interface QueueAddress {
  url: string;
  name: string;
  connection: RedisOptions;
}

export const DEFAULT_QUEUE_NAME = 'clab';

/** Parses a redis:// (or rediss://) URL; throws ExecutorUsageError naming what is wrong. */
export function parseQueueUrl(url: string | undefined): QueueAddress {
  if (url === undefined || url === '')
    throw new ExecutorUsageError('--queue: the queue executor needs --queue redis://HOST:PORT');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ExecutorUsageError(`--queue: '${url}' is not a URL; expected redis://HOST:PORT`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new ExecutorUsageError(`--queue: '${url}' is not a redis:// URL; expected redis://HOST:PORT`);
  if (parsed.hostname === '')
    throw new ExecutorUsageError(`--queue: '${url}' names no host; expected redis://HOST:PORT`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new ExecutorUsageError(`--queue: '${url}': the path must be a database number, got '${db}'`);
  const connection: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(parsed.password !== '' ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's blocking connections must retry forever rather than fail a command.
    maxRetriesPerRequest: null,
  };
  return { url, name: parsed.searchParams.get('queue') ?? DEFAULT_QUEUE_NAME, connection };
}

/** Connects once and PINGs; throws `cannot reach the queue at URL: why` if Redis does not answer. */
export async function checkReachable(address: QueueAddress, timeoutMs = 3000): Promise<void> {
  const client = new Redis({
    ...address.connection,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // The 'error' event carries the cause (ECONNREFUSED, ENOTFOUND…); connect() rejects with "Connection is closed".
  let cause: string | undefined;
  client.on('error', (err: Error) => (cause ??= err.message));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(
      `cannot reach the queue at ${address.url}: ${cause ?? (err instanceof Error ? err.message : String(err))}`,
    );
  } finally {
    client.disconnect();
  }
}

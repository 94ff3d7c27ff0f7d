import { INestApplicationContext } from '@nestjs/common';
import { connect, Socket } from 'node:net';
import { DataSource } from 'typeorm';
import { Env } from '@radflow/config';
import { LOGGER, Logger } from '@radflow/observability';
import { demoOrders } from './demo-orders';

const DEMO_ORDERS = 300;

/** Sends the demo orders through our own MLLP listener (the same path as a RIS), once per database. */
export async function loadDemoDataOnce(app: INestApplicationContext, env: Readonly<Env>): Promise<void> {
  const log = app.get<Logger>(LOGGER);
  const ds = app.get(DataSource);
  const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM imaging_orders');
  if (n > 0) return;
  const socket = await open(env.HL7_PORT);
  const acks: Record<string, number> = {};
  try {
    for (const m of demoOrders(DEMO_ORDERS)) {
      const ack = await send(socket, Buffer.from(m.text, m.charset));
      const code = /MSA\|(\w\w)/.exec(ack)?.[1] ?? '??';
      acks[code] = (acks[code] ?? 0) + 1;
    }
  } finally {
    socket.destroy();
  }
  log.info({ event: 'demo.loaded', orders: DEMO_ORDERS, acks }, 'demo orders loaded through MLLP');
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
}

function send(socket: Socket, payload: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf(0x1c);
      if (end < 0) return;
      socket.off('data', onData).off('error', reject);
      resolve(buf.subarray(1, end).toString('latin1'));
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(Buffer.concat([Buffer.from([0x0b]), payload, Buffer.from([0x1c, 0x0d])]));
  });
}

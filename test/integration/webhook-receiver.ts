import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SafetyEvent } from '@tta/core';

/** One delivery a {@link WebhookReceiver} got. */
export interface WebhookDelivery {
  /** Epoch ms when its body had arrived. */
  at: number;
  headers: IncomingHttpHeaders;
  raw: string;
  body: { notification: number; event: SafetyEvent };
}

/**
 * A local safety webhook receiver: records every delivery, and answers 500 to the first
 * `failFirst` deliveries of each event and notification (then 204).
 */
export class WebhookReceiver {
  readonly deliveries: WebhookDelivery[] = [];
  failFirst = 0;
  private readonly server: Server;
  private readonly seen = new Map<string, number>();

  constructor() {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(raw) as WebhookDelivery['body'];
        this.deliveries.push({ at: Date.now(), headers: req.headers, raw, body });
        const key = `${body.event.id}:${body.notification}`;
        const count = (this.seen.get(key) ?? 0) + 1;
        this.seen.set(key, count);
        res.statusCode = count <= this.failFirst ? 500 : 204;
        res.end();
      });
    });
  }

  /** Listens on a free loopback port; answers the URL to configure. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** The deliveries of one event. */
  of(eventId: string): WebhookDelivery[] {
    return this.deliveries.filter((d) => d.body.event.id === eventId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Whether a delivery carries a valid, recent `X-TTA-Signature` for `secret`. */
export function verifySignature(delivery: WebhookDelivery, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(delivery.headers['x-tta-signature']));
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${delivery.raw}`).digest('hex');
  return expected === match[2] && Math.abs(Date.now() / 1000 - Number(match[1])) < 60;
}

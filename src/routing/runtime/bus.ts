import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import type { PokeBus, RoutingPoke, RoutingRuntime } from './runtime.js';

const pokeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('task'), id: z.string() }),
  z.object({ kind: z.literal('agent'), id: z.string() }),
  z.object({ kind: z.literal('queues') }),
]);

/** Pokes from standby processes to the active engine, over Redis pub/sub. Lossy by design: the active engine's tick reconciles anyway. */
export class RedisPokeBus implements PokeBus {
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
    private readonly log: Logger,
  ) {}

  publish(poke: RoutingPoke): void {
    void this.redis.publish(this.channel, JSON.stringify(poke)).catch((err: unknown) => this.log.debug({ err }, 'routing poke not published'));
  }

  /** Delivers pokes to this process's runtime while it is the active one. */
  async listen(runtime: RoutingRuntime): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', (err) => this.log.debug({ err }, 'routing bus connection error'));
    this.subscriber.on('message', (_channel: string, text: string) => {
      if (!runtime.isActive) return;
      let poke: RoutingPoke;
      try {
        poke = pokeSchema.parse(JSON.parse(text));
      } catch {
        this.log.warn('malformed routing poke ignored');
        return;
      }
      void runtime.poke(poke).catch((err: unknown) => this.log.warn({ err }, 'routing poke failed'));
    });
    await this.subscriber.subscribe(this.channel);
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }
}

import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { PUBLIC_KEY } from '../auth/decorators';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';

/**
 * Rate limit per client on public routes (HUB_RATE_LIMIT requests per minute; 0 = off).
 * Signed-in staff are not limited here. Clients are told when to retry (Retry-After).
 */
@Injectable()
export class PublicRateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    super(options, storage, reflector);
  }

  /** One budget per client across all public routes (the default would be one per route). */
  protected override generateKey(_ctx: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    if (this.config.rateLimit === 0) return true;
    return !this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [ctx.getHandler(), ctx.getClass()]);
  }
}

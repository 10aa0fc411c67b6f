import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { consoleToken, csrfValid } from '../console/session';
import { AuthService } from './auth.service';
import { Principal, PUBLIC_KEY, ROLES_KEY } from './decorators';
import { StaffRole } from './entities/staff-user.entity';

/** Every route is closed unless marked @Public() or opened to @Roles(...). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES_KEY, targets);
    const req = ctx.switchToHttp().getRequest<Request & { user?: Principal }>();
    const header = req.headers.authorization;
    // The console's pages sign in with a cookie; nothing else does (see src/console/session.ts).
    const cookie = consoleToken(req);
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : cookie;
    const principal = token ? await this.auth.principalOf(token) : undefined;
    if (!principal) throw new UnauthorizedException('sign in first (Authorization: Bearer <accessToken>)');
    if (!roles || !roles.includes(principal.role)) throw new ForbiddenException('your role may not do this');
    if (cookie && token === cookie && req.method !== 'GET' && req.method !== 'HEAD' && !csrfValid(req, cookie, this.config.jwtSecret)) {
      throw new ForbiddenException('the form has expired or did not come from this site: reload the page and try again');
    }
    req.user = principal;
    return true;
  }
}

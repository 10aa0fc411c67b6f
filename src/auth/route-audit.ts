import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';

export interface RouteAccess {
  method: string;
  path: string;
  access: 'public' | string[] | 'undeclared';
}

/** Lists every HTTP route with its access rule; refuses to boot when one has none. */
@Injectable()
export class RouteAudit implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  routes(): RouteAccess[] {
    const out: RouteAccess[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
      const proto = Object.getPrototypeOf(instance);
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[name];
        const sub = Reflect.getMetadata(PATH_METADATA, handler);
        if (sub === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [handler, metatype]);
        const roles = this.reflector.getAllAndOverride<string[]>(ROLES_KEY, [handler, metatype]);
        const path = ('/' + [base, String(sub)].filter((p) => p && p !== '/').join('/')).replace(/\/+/g, '/');
        out.push({ method, path, access: isPublic ? 'public' : roles?.length ? roles : 'undeclared' });
      }
    }
    return out;
  }

  onApplicationBootstrap(): void {
    const undeclared = this.routes().filter((r) => r.access === 'undeclared');
    if (undeclared.length > 0) {
      throw new Error(`routes without an access rule (@Public or @Roles): ${undeclared.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    }
  }
}

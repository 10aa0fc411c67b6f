import { SetMetadata, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { StaffRole } from './entities/staff-user.entity';

export const PUBLIC_KEY = 'hub:public';
export const ROLES_KEY = 'hub:roles';

/** A route anyone may call (citizens, portals). Rate-limited per client. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** A route for signed-in staff of these roles. Every route is either Public or has Roles. */
export const Roles = (...roles: StaffRole[]) => SetMetadata(ROLES_KEY, roles);

export interface Principal {
  userId: string;
  username: string;
  role: StaffRole;
  unit: string | null;
  /** The account's token generation the token was issued under (absent: 0). */
  generation?: number;
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ user: Principal }>().user;
});

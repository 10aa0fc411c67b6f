import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { Principal } from './decorators';
import { StaffRole, StaffUserEntity } from './entities/staff-user.entity';
import { hashPassword, verifyPassword } from './password';
import { issueToken, verifyToken } from './token';

const ACCOUNT_CACHE_MS = 30_000;

// Verified against when the user does not exist, so a wrong username costs as long as a wrong password.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    @InjectRepository(StaffUserEntity) private readonly users: Repository<StaffUserEntity>,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Creates the first administrator from HUB_ADMIN_USERNAME / HUB_ADMIN_PASSWORD if absent. */
  async ensureBootstrapAdmin(): Promise<void> {
    const { adminUsername, adminPassword } = this.config;
    if (!adminUsername || !adminPassword) {
      if ((await this.users.count()) === 0) {
        this.logger.warn('no staff account exists and HUB_ADMIN_USERNAME/HUB_ADMIN_PASSWORD are unset: nobody can sign in');
      }
      return;
    }
    const inserted = await this.users
      .createQueryBuilder()
      .insert()
      .values({ username: adminUsername, passwordHash: await hashPassword(adminPassword), role: 'admin', unit: null })
      .orIgnore()
      .execute();
    if (inserted.identifiers.length > 0 && inserted.identifiers[0]) {
      await this.audit.record('system', 'user.bootstrap', adminUsername, { role: 'admin' });
      this.logger.log(`bootstrap administrator "${adminUsername}" created`);
    }
  }

  async createUser(username: string, password: string, role: StaffRole, unit: string | null): Promise<void> {
    await this.users.insert({ username, passwordHash: await hashPassword(password), role, unit });
  }

  /** Disables an account; its tokens stop working at once in this process, within 30 s elsewhere. */
  async disable(username: string): Promise<void> {
    const user = await this.users.findOne({ where: { username } });
    if (!user) return;
    await this.users.update({ id: user.id }, { disabled: true });
    this.accounts.delete(user.id);
    await this.audit.record('system', 'user.disable', username, {});
  }

  async login(username: string, password: string): Promise<{ accessToken: string; expiresIn: number; role: StaffRole }> {
    const user = await this.users.findOne({ where: { username } });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      await this.audit.record(username.slice(0, 64), 'login.failed', null, {});
      throw new UnauthorizedException('wrong username or password');
    }
    await this.users.update({ id: user.id }, { lastLoginAt: this.clock.now() });
    await this.audit.record(user.username, 'login', null, { role: user.role });
    const principal: Principal = { userId: user.id, username: user.username, role: user.role, unit: user.unit };
    return {
      accessToken: issueToken(principal, this.config.jwtSecret, this.clock.now().getTime(), this.config.tokenTtlSeconds),
      expiresIn: this.config.tokenTtlSeconds,
      role: user.role,
    };
  }

  private readonly accounts = new Map<string, { at: number; disabled: boolean; role: string; unit: string | null } | null>();

  /**
   * The signed-in user of a token, if the token is valid and the account still is what the token
   * says: a disabled account, or one whose role or unit changed, loses access within 30 s.
   */
  async principalOf(token: string): Promise<Principal | undefined> {
    const p = verifyToken(token, this.config.jwtSecret, this.clock.now().getTime());
    if (!p) return undefined;
    let account = this.accounts.get(p.userId);
    if (account === undefined || (account && Date.now() - account.at > ACCOUNT_CACHE_MS)) {
      const row = await this.users.findOne({ where: { id: p.userId } });
      account = row ? { at: Date.now(), disabled: row.disabled, role: row.role, unit: row.unit } : null;
      this.accounts.set(p.userId, account);
      if (this.accounts.size > 10_000) this.accounts.clear();
    }
    if (!account || account.disabled || account.role !== p.role || account.unit !== p.unit) return undefined;
    return p;
  }
}

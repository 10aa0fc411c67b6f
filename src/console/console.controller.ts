import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuthService } from '../auth/auth.service';
import { CurrentUser, Principal, Public, Roles } from '../auth/decorators';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { ConsoleExceptionFilter } from './console.filter';
import { flashFrom, pageOf } from './console-page';
import { barePage, consoleLayout, csrfField, esc } from './layout';
import { CONSOLE_PATH, SESSION_COOKIE } from './session';

/** Only paths inside the console are followed after signing in (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/[A-Za-z0-9\-_/.%?=&]*)?$/.test(next) && !next.startsWith('//') ? next : CONSOLE_PATH;
}

function loginForm(next: string, error?: string, username = ''): string {
  return barePage(
    '工作人员登录',
    `${error ? `<p class="flash error" role="alert">${esc(error)}</p>` : ''}
<section class="card" style="max-width:420px">
<form method="post" action="/console/login">
<input type="hidden" name="next" value="${esc(next)}">
<label for="username">用户名</label><input type="text" id="username" name="username" autocomplete="username" required maxlength="64" value="${esc(username)}">
<label for="password">密码</label><input type="password" id="password" name="password" autocomplete="current-password" required maxlength="256">
<button type="submit">登录</button>
</form>
<p class="hint">市民查询留言办理情况请用 <a href="/query">一键查询</a>；写信请到 <a href="/mailbox">市长信箱</a>。</p>
</section>`,
  );
}

/**
 * The console's door: sign in and out, and the first page of each role with what waits for it.
 * The other console pages live in their own controllers under /console.
 */
@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@Controller('console')
export class ConsoleController {
  constructor(
    private readonly auth: AuthService,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Public()
  @Get('login')
  loginPage(@Query('next') next: string | undefined, @Res() res: Response): void {
    res.type('html').send(loginForm(safeNext(next)));
  }

  @Public()
  @Post('login')
  async login(@Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response): Promise<void> {
    const username = typeof body?.username === 'string' ? body.username.trim().slice(0, 64) : '';
    const password = typeof body?.password === 'string' ? body.password.slice(0, 256) : '';
    const next = safeNext(body?.next);
    if (!username || !password) return void res.status(400).type('html').send(loginForm(next, '请填写用户名和密码。', username));
    try {
      const { accessToken, expiresIn } = await this.auth.login(username, password);
      res.cookie(SESSION_COOKIE, accessToken, { httpOnly: true, sameSite: 'strict', path: CONSOLE_PATH, secure: req.secure, maxAge: expiresIn * 1000 });
      res.redirect(303, next);
    } catch {
      res.status(401).type('html').send(loginForm(next, '用户名或密码错误。', username));
    }
  }

  @Roles('admin', 'staff', 'unit', 'leader')
  @Post('logout')
  async logout(@CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    await this.auth.logout(user); // the token in the cookie (and any copy of it) stops working
    res.clearCookie(SESSION_COOKIE, { path: CONSOLE_PATH });
    res.redirect(303, '/console/login');
  }

  @Roles('admin', 'staff', 'unit', 'leader')
  @Get()
  async home(@CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const page = pageOf(req, user, this.config, '/console');
    const cards: string[] = [];
    const count = async (sql: string, params: unknown[] = []) => Number((await this.db.query(sql, params))[0].n);
    if (user.role === 'admin' || user.role === 'staff') {
      const [fresh, overdue, ext, dups] = await Promise.all([
        count(`SELECT count(*)::int AS n FROM cases WHERE status = 'new'`),
        count(`SELECT count(*)::int AS n FROM cases WHERE status IN ('transferred', 'coordinating') AND deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date`),
        count(`SELECT count(*)::int AS n FROM cases WHERE extension_request ->> 'status' = 'pending'`),
        count(`SELECT count(*)::int AS n FROM cases WHERE duplicate_of IS NOT NULL AND status = 'new'`),
      ]);
      cards.push(card('受理台', [`待受理 ${fresh} 件`, `疑似重复（并单）${dups} 件`], '/console/desk'));
      cards.push(card('督办', [`超期 ${overdue} 件`, `延期申请待审 ${ext} 件`], '/console/supervision'));
    }
    if (user.role === 'unit') {
      const mine = await count(`SELECT count(*)::int AS n FROM cases WHERE status IN ('transferred', 'coordinating') AND (handling_unit = $1 OR lead_unit = $1 OR $1 = ANY (responsible_units))`, [user.unit ?? '']);
      cards.push(card('本单位案件', [`办理中 ${mine} 件`], '/console/unit'));
    }
    if (user.role !== 'unit') {
      const pending = await count(`SELECT count(*)::int AS n FROM case_document WHERE kind = 'criticism' AND NOT (data ? 'decision')`);
      cards.push(card('报告与考核', ['月报、专报、承办单位考核排名'], '/console/reports'));
      cards.push(card('通报批评', [`待领导批示 ${pending} 件`], '/console/criticisms'));
    }
    if (user.role === 'admin') cards.push(card('渠道接入', ['42 个渠道的处置、配置、健康状况和版本'], '/console/channels'));
    res.type('html').send(consoleLayout('工作台', `<div class="grid">${cards.join('')}</div>`, page, flashFrom(req, res)));
  }
}

function card(title: string, lines: string[], href: string): string {
  return `<section class="card"><h2><a href="${esc(href)}">${esc(title)}</a></h2>${lines.map((l) => `<p>${esc(l)}</p>`).join('')}</section>`;
}

import { BadRequestException, Body, Controller, Get, HttpCode, HttpException, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { AdapterManifest, findAdapter } from '../../adapters';
import { ChannelAdminService, ChannelAdminView, ChannelProblem } from '../admin/channel-admin.service';
import { CurrentUser, Principal, Roles } from '../auth/decorators';
import { Clock } from '../common/clock';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { PiiCipher } from '../crypto/pii-cipher';
import { ConsoleExceptionFilter } from './console.filter';
import { flashFrom, pageOf, redirectWithFlash } from './console-page';
import { consoleLayout } from './layout';
import { channelDetailBody, channelListBody, historyBody, noChangeBody, previewBody, testBody } from './views/channels';
import { patchFromForm, problemInChinese, valuesFromBody, valuesFromView, fieldLabel } from './views/channels-form';

const CURRENT = '/console/channels';
/** How long a previewed change may wait for its confirmation. */
const PROPOSAL_TTL_MS = 60 * 60_000;

/** A previewed change, sealed into the confirm form: the change itself, the version it was made against, who, until when. */
interface Proposal {
  c: string;
  b: number;
  p: Record<string, unknown>;
  u: string;
  e: number;
}

function problemsOf(err: unknown): string[] | undefined {
  if (!(err instanceof BadRequestException)) return undefined;
  const body = err.getResponse() as { problems?: unknown; message?: unknown };
  if (Array.isArray(body?.problems)) return body.problems.map(String);
  return [String(body?.message ?? err.message)];
}

/** A PATCH problem string ('config.baseUrl must be …') back to its field, for the operator's words. */
function asProblem(text: string): ChannelProblem {
  const config = /^(config\.[\w-]+) /.exec(text);
  if (config) return { field: config[1], text };
  const field = /^(disposition|name|unit|guidance|enabled|referTo|config|adapter)\b/.exec(text)?.[1] ?? 'channel';
  return { field, text };
}

/**
 * 渠道接入 (administrators): the channel table by disposition with the pulled channels' health, a
 * channel's edit form generated from its adapter's manifest, preview (diff) → apply through
 * ChannelAdminService.update (validated, versioned, audited, refused when the channel changed since
 * the preview), version history with restore, and a dry-run connection test of pulled channels.
 */
@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@Controller('console/channels')
export class ConsoleChannelsController {
  constructor(
    private readonly admin: ChannelAdminService,
    private readonly cipher: PiiCipher,
    private readonly clock: Clock,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Roles('admin')
  @Get()
  async list(@CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const views = await this.admin.overview();
    const page = pageOf(req, user, this.config, CURRENT);
    res.type('html').send(consoleLayout('渠道接入', channelListBody(views, this.clock.now()), page, flashFrom(req, res)));
  }

  @Roles('admin')
  @Get(':id')
  async detail(@Param('id') id: string, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const view = await this.admin.view(id);
    const manifest = manifestOf(view);
    const page = pageOf(req, user, this.config, CURRENT);
    const body = channelDetailBody(view, manifest, valuesFromView(view, manifest), [], page.csrf, this.clock.now());
    res.type('html').send(consoleLayout(`渠道：${view.name}`, body, page, flashFrom(req, res)));
  }

  @Roles('admin')
  @Post(':id/preview')
  @HttpCode(200)
  async preview(@Param('id') id: string, @Body() body: Record<string, unknown> | undefined, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = body ?? {};
    const view = await this.admin.view(id);
    const manifest = manifestOf(view);
    const page = pageOf(req, user, this.config, CURRENT);
    const read = patchFromForm(form, view, manifest);
    const checked = await this.admin.check(id, read.patch);
    const problems = [...read.problems, ...checked.problems];
    if (problems.length) {
      const page400 = channelDetailBody(view, manifest, valuesFromBody(form, view, manifest), problems, page.csrf, this.clock.now());
      return void res.status(400).type('html').send(consoleLayout(`渠道：${view.name}`, page400, page));
    }
    if (checked.changes.length === 0) return void res.type('html').send(consoleLayout(`渠道：${view.name}`, noChangeBody(id), page));
    const proposal: Proposal = { c: id, b: checked.current.version, p: read.patch, u: user.userId, e: this.clock.now().getTime() + PROPOSAL_TTL_MS };
    const sealed = this.cipher.seal(JSON.stringify(proposal));
    res.type('html').send(consoleLayout(`预览修改：${view.name}`, previewBody(checked, sealed, page.csrf), page));
  }

  @Roles('admin')
  @Post(':id/apply')
  async apply(@Param('id') id: string, @Body() body: Record<string, unknown> | undefined, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    const proposal = this.openProposal(id, body, user);
    let saved: ChannelAdminView;
    try {
      saved = await this.admin.update(id, proposal.p, user, { expectedVersion: proposal.b });
    } catch (err) {
      const problems = problemsOf(err);
      if (!problems) throw err;
      return redirectWithFlash(res, `${CURRENT}/${id}`, `未保存：${problems.map((t) => { const p = asProblem(t); return `${fieldLabel(p.field)}：${problemInChinese(p)}`; }).join('；')}`, true);
    }
    const message = saved.version === proposal.b ? '没有改动，未新建版本。' : `已保存为版本 ${saved.version}，立即生效。`;
    redirectWithFlash(res, `${CURRENT}/${id}`, message);
  }

  @Roles('admin')
  @Get(':id/history')
  async history(@Param('id') id: string, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const view = await this.admin.view(id);
    const versions = await this.admin.versions(id);
    const page = pageOf(req, user, this.config, CURRENT);
    res.type('html').send(consoleLayout(`版本历史：${view.name}`, historyBody(view, versions, page.csrf), page, flashFrom(req, res)));
  }

  @Roles('admin')
  @Post(':id/restore')
  async restore(@Param('id') id: string, @Body() body: Record<string, unknown> | undefined, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    const version = intOf(body?.version);
    const current = intOf(body?.current);
    if (version === undefined) throw new BadRequestException('请选择要恢复的版本。');
    try {
      const done = await this.admin.restore(id, version, user, current);
      const kept = done.secretsKept.length ? `（密钥 ${done.secretsKept.join('、')} 沿用当前值：该版本未存档其原值）` : '';
      redirectWithFlash(res, `${CURRENT}/${id}/history`, done.changed ? `已恢复版本 ${version}，保存为新版本 ${done.view.version}${kept}。` : `版本 ${version} 与当前版本相同，无需恢复。`);
    } catch (err) {
      const problems = problemsOf(err);
      if (!problems) throw err;
      redirectWithFlash(res, `${CURRENT}/${id}/history`, `无法恢复版本 ${version}：${problems.map((t) => { const p = asProblem(t); return `${fieldLabel(p.field)}：${problemInChinese(p)}`; }).join('；')}`, true);
    }
  }

  @Roles('admin')
  @Post(':id/test')
  @HttpCode(200)
  async test(@Param('id') id: string, @Body() body: Record<string, unknown> | undefined, @CurrentUser() user: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    const proposal = typeof body?.proposal === 'string' && body.proposal ? this.openProposal(id, body, user) : undefined;
    const view = await this.admin.view(id);
    const result = await this.admin.testConnection(id, user, proposal?.p);
    const page = pageOf(req, user, this.config, CURRENT);
    res.type('html').send(consoleLayout(`测试连接：${view.name}`, testBody(view, result), page));
  }

  /** The change sealed into a preview's form, if it is this channel's, this user's, and not too old. */
  private openProposal(id: string, body: Record<string, unknown> | undefined, user: Principal): Proposal {
    const sealed = typeof body?.proposal === 'string' ? body.proposal : '';
    let proposal: Proposal | undefined;
    try {
      proposal = sealed ? (JSON.parse(this.cipher.open(sealed)) as Proposal) : undefined;
    } catch {
      proposal = undefined;
    }
    if (!proposal || proposal.c !== id || proposal.u !== user.userId || typeof proposal.b !== 'number' || typeof proposal.p !== 'object' || proposal.p === null) {
      throw new BadRequestException('这份修改预览无效，请回到渠道详情页重新填写并预览。');
    }
    if (proposal.e < this.clock.now().getTime()) throw new HttpException('这份修改预览已过期（超过 1 小时），请重新填写并预览。', 410);
    return proposal;
  }
}

function manifestOf(view: ChannelAdminView): AdapterManifest | undefined {
  return view.adapter ? findAdapter(view.adapter)?.manifest : undefined;
}

function intOf(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

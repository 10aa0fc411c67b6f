import { BadRequestException, Body, Controller, Get, HttpException, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { Public } from '../auth/decorators';
import { ChannelRegistry } from '../channels/channel-registry.service';
import { admit } from '../channels/domain/admission';
import { ChannelEntity } from '../channels/entities/channel.entity';
import { IntakeService, InvalidSubmission } from '../intake/intake.service';
import { QueryService } from '../query/query.service';
import { esc } from './html';
import { renderProgress, renderQueryForm } from './query-page';
import { FormValues, renderForm, renderNotice, renderReceipt } from './mailbox-form';

const OWN_CHANNEL = 'mailbox';

/**
 * A form's fields as text. A form post only ever carries strings; a crafted JSON body may carry
 * objects or arrays ({"toString": 1} breaks String()), which are dropped here, so the field reads
 * as missing and gets the usual clear error.
 */
export function formFields(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The citizen's pages: the portal link (/go/:id) and the mailbox form. Work without JavaScript. */
@ApiExcludeController()
@Controller()
export class PagesController {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly intake: IntakeService,
    private readonly query: QueryService,
  ) {}

  /** The link a department portal puts where its message board used to be. */
  @Public()
  @Get('go/:channelId')
  async go(@Param('channelId') channelId: string, @Res() res: Response): Promise<void> {
    const decision = admit(channelId, await this.registry.get(channelId));
    switch (decision.kind) {
      case 'accept':
        return res.redirect(302, `/mailbox?from=${encodeURIComponent(channelId)}`);
      case 'pulled':
        return res.redirect(302, '/mailbox');
      case 'closed':
        return this.html(res, 410, renderNotice('该留言渠道已关闭', decision.message));
      case 'excluded':
        return this.html(res, 403, renderNotice('请通过专门渠道反映', decision.message, referral(decision.channel)));
      case 'unknown':
        return this.html(res, 404, renderNotice('未找到该留言渠道', '链接有误或该渠道不存在。'));
    }
  }

  @Public()
  @Get('mailbox')
  async form(@Query('from') from: string | undefined, @Res() res: Response): Promise<void> {
    const channel = await this.source(from, res);
    if (channel) this.html(res, 200, renderForm({ from: channel, formToken: randomUUID() }));
  }

  @Public()
  @Post('mailbox')
  async submit(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (typeof body === 'object' && body !== null && Object.keys(formFields(body)).length !== Object.keys(body).length) {
      // Only a crafted body has fields that are not text: refuse it whole rather than guess.
      return this.html(res, 400, renderNotice('表单内容无效', '提交的表单内容格式不正确，请返回表单重新填写后提交。'));
    }
    const fields = formFields(body);
    const channel = await this.source(fields.from || undefined, res);
    if (!channel) return;
    const { from: _from, formToken, ...message } = fields;
    try {
      const { receipt } = await this.intake.submit({
        channelId: channel.id,
        body: message,
        idempotencyKey: typeof formToken === 'string' && formToken ? `form-${formToken}` : undefined,
        contentType: req.headers['content-type'],
        via: 'form',
        clientIp: req.ip,
        userAgent: req.headers['user-agent']?.slice(0, 256),
      });
      this.html(res, 201, renderReceipt(receipt));
    } catch (err) {
      if (err instanceof InvalidSubmission) {
        const values: FormValues = message;
        return this.html(res, 400, renderForm({ from: channel, formToken: formToken || randomUUID(), values, errors: err.fields }));
      }
      if (err instanceof HttpException && err.getStatus() === 503) {
        return this.html(res, 503, renderNotice('暂时无法提交', '系统暂时无法保存留言，您的留言未被受理，请稍后再试。'));
      }
      throw err;
    }
  }

  /** 一键查询: the code goes in a POST body, never in a URL (history, logs, referrers). */
  @Public()
  @Get('query')
  queryForm(@Res() res: Response): void {
    this.html(res, 200, renderQueryForm());
  }

  @Public()
  @Post('query')
  async queryLookup(@Body() body: unknown, @Res() res: Response): Promise<void> {
    const code = formFields(body).code?.slice(0, 40) ?? '';
    try {
      this.html(res, 200, renderProgress(code, await this.query.progress(code)));
    } catch (err) {
      if (err instanceof NotFoundException) return this.html(res, 404, renderQueryForm('没有找到这个查询码对应的留言，请核对后重试。'));
      throw err;
    }
  }

  @Public()
  @Post('query/rating')
  async queryRate(@Body() body: unknown, @Res() res: Response): Promise<void> {
    const b = (body ?? {}) as Record<string, unknown>;
    const code = formFields(body).code?.slice(0, 40) ?? '';
    try {
      const progress = await this.query.rate(code, b);
      const notice = b.satisfaction === '不满意' ? '感谢评价。您的留言将重新办理。' : '感谢您的评价。';
      this.html(res, 200, renderProgress(code, progress, notice));
    } catch (err) {
      if (err instanceof NotFoundException) return this.html(res, 404, renderQueryForm('没有找到这个查询码对应的留言，请核对后重试。'));
      if (err instanceof BadRequestException) {
        return this.html(res, 400, renderProgress(code, await this.query.progress(code), '请选择满意、基本满意或不满意。'));
      }
      if (err instanceof HttpException && err.getStatus() === 409) {
        return this.html(res, 409, renderProgress(code, await this.query.progress(code), '这条留言现在不能评价（已评价或尚未答复）。'));
      }
      throw err;
    }
  }

  /** The channel the citizen came from; renders the refusal page itself when it cannot take messages. */
  private async source(from: string | undefined, res: Response): Promise<ChannelEntity | undefined> {
    const id = from || OWN_CHANNEL;
    const decision = admit(id, await this.registry.get(id));
    switch (decision.kind) {
      case 'accept':
        return decision.channel;
      case 'pulled':
        return this.source(undefined, res);
      case 'closed':
        this.html(res, 410, renderNotice('该留言渠道已关闭', decision.message));
        return undefined;
      case 'excluded':
        this.html(res, 403, renderNotice('请通过专门渠道反映', decision.message, referral(decision.channel)));
        return undefined;
      case 'unknown':
        this.html(res, 404, renderNotice('未找到该留言渠道', `“${id}”不是有效的来源渠道。`));
        return undefined;
    }
  }

  private html(res: Response, status: number, page: string): void {
    res.status(status).type('text/html; charset=utf-8').setHeader('Cache-Control', 'no-store').send(page);
  }
}

function referral(c: ChannelEntity): string {
  return c.referTo ? `<p>受理单位：${esc(c.referTo.unit)}<br>受理渠道：${esc(c.referTo.channel)}</p>` : '';
}

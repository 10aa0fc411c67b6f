import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Public } from '../auth/decorators';
import { IntakeService, Receipt } from './intake.service';

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

@ApiTags('intake')
@Controller('api/v1/channels/:channelId/messages')
export class IntakeController {
  constructor(private readonly intake: IntakeService) {}

  @Public()
  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a citizen’s message through a channel (JSON or urlencoded form, UTF-8 or GBK)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key returns the first receipt' })
  @ApiHeader({ name: 'X-Hub-Timestamp', required: false, description: 'Signed portal forward: Unix seconds' })
  @ApiHeader({ name: 'X-Hub-Signature', required: false, description: 'Signed portal forward: sha256=<hex HMAC of "<timestamp>.<raw body>">' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['content'],
      properties: {
        content: { type: 'string', maxLength: 5000 },
        title: { type: 'string', maxLength: 100 },
        phone: { type: 'string', description: 'mainland mobile number; required unless the channel says otherwise' },
        name: { type: 'string', maxLength: 50 },
        email: { type: 'string' },
        idNumber: { type: 'string', description: '18-character resident ID number' },
        category: { type: 'string', enum: ['咨询', '反映', '投诉', '建议', '求助'] },
        isPublic: { type: 'boolean' },
        externalId: { type: 'string', maxLength: 128 },
        submittedAt: { type: 'string', format: 'date-time' },
      },
    },
  })
  @ApiResponse({ status: 202, description: '{receiptNo, queryCode, status: "received", channelId}' })
  @ApiResponse({ status: 400, description: 'invalid fields, listed in `fields`' })
  @ApiResponse({ status: 403, description: 'channel_excluded, with referTo' })
  @ApiResponse({ status: 410, description: 'channel_closed, with mailboxUrl' })
  @ApiResponse({ status: 503, description: 'the store cannot take it now; nothing was accepted' })
  async submit(
    @Param('channelId') channelId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: Request & { rawBody?: Buffer },
    @Res({ passthrough: true }) res: Response,
  ): Promise<Receipt> {
    const { receipt, replayed } = await this.intake.submit({
      channelId,
      body,
      idempotencyKey,
      contentType: req.headers['content-type'],
      via: 'api',
      forward: req.headers['x-hub-signature'] !== undefined || req.headers['x-hub-timestamp'] !== undefined
        ? { timestamp: header(req, 'x-hub-timestamp'), signature: header(req, 'x-hub-signature'), rawBody: req.rawBody ?? Buffer.alloc(0) }
        : undefined,
      clientIp: req.ip,
      userAgent: req.headers['user-agent']?.slice(0, 256),
    });
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return receipt;
  }
}

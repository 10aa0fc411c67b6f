import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { barePage, esc } from './layout';

/**
 * Errors on console pages are pages: a visitor who is not signed in is sent to the sign-in page
 * (and back afterwards), other refusals explain themselves in Chinese with a way back.
 */
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ConsoleExceptionFilter.name);

  catch(err: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return void res.end();
    const status = err instanceof HttpException ? err.getStatus() : 500;
    if (status === 401) {
      const next = req.method === 'GET' ? req.originalUrl : '/console';
      return void res.redirect(303, `/console/login?next=${encodeURIComponent(next)}`);
    }
    if (status >= 500) this.logger.error({ err: (err as Error).message, path: req.path }, 'console page failed');
    const body = err instanceof HttpException ? err.getResponse() : undefined;
    const raw = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
    const message = status >= 500 ? '系统暂时无法完成这项操作，请稍后再试。' : Array.isArray(raw) ? raw.join('；') : String(raw ?? '');
    const title = status === 403 ? '无权进行此操作' : status === 404 ? '未找到' : status >= 500 ? '出错了' : '无法完成操作';
    res
      .status(status)
      .type('html')
      .send(barePage(title, `<p>${esc(message)}</p><p><a href="/console">返回首页</a></p>`));
  }
}

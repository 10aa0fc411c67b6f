import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { renderPublicError } from './public-list-page';

/** Errors on the public 舆论监督 pages are citizen pages too (not found, too many requests, failure). */
@Catch()
export class PublicPageFilter implements ExceptionFilter {
  private readonly logger = new Logger(PublicPageFilter.name);

  catch(err: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return void res.end();
    const status = err instanceof HttpException ? err.getStatus() : 500;
    if (status >= 500) this.logger.error({ err: (err as Error).message, path: req.path }, 'public page failed');
    res
      .status(status)
      .type('text/html; charset=utf-8')
      .setHeader('Cache-Control', 'no-store')
      .send(renderPublicError(status, status >= 500 ? undefined : '无法显示这个页面。'));
  }
}

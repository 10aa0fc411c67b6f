import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { NextFunction, Request, Response } from 'express';
import { Queue } from 'bullmq';
import { AuthService } from '../auth/auth.service';
import { INTAKE_QUEUE, PULL_QUEUE, REPORT_QUEUE } from '../queue/queues';

export const QUEUE_BOARD_PATH = '/admin/queues';
const COOKIE = 'hub_board';

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * The queue dashboard (bull-board) for administrators and mailbox staff. A browser opens it with
 * `/admin/queues?token=<accessToken>` once; the token then lives in an HttpOnly, SameSite=Strict
 * cookie scoped to the dashboard's path.
 */
export function mountQueueBoard(app: INestApplication): void {
  const auth = app.get(AuthService);
  const queues = [INTAKE_QUEUE, PULL_QUEUE, REPORT_QUEUE].map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name)), { readOnlyMode: false }));
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues, serverAdapter: adapter });

  const guard = async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    const fromQuery = typeof req.query.token === 'string' ? req.query.token : undefined;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : (fromQuery ?? cookie(req, COOKIE));
    const principal = token ? await auth.principalOf(token).catch(() => undefined) : undefined;
    if (!principal || (principal.role !== 'admin' && principal.role !== 'staff')) {
      res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: 'the queue dashboard is for administrators and mailbox staff' });
      return;
    }
    if (fromQuery) {
      res.cookie(COOKIE, fromQuery, { httpOnly: true, sameSite: 'strict', path: QUEUE_BOARD_PATH, secure: req.secure });
      res.redirect(QUEUE_BOARD_PATH);
      return;
    }
    next();
  };
  app.use(QUEUE_BOARD_PATH, guard, adapter.getRouter());
}

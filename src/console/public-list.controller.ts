import { Controller, Get, NotFoundException, Param, Query, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/decorators';
import { PiiCipher } from '../crypto/pii-cipher';
import { publicCase, renderPublicCase, renderPublicList } from '../pages/public-list-page';
import { PublicPageFilter } from '../pages/public-list.filter';
import { PublicCaseRow, PublicListRepository } from '../pages/public-list.repository';
import { StatsService } from '../stats/stats.service';

const PAGE_SIZE = 20;

/**
 * 舆论监督 (public, no sign-in): the replied messages whose authors agreed to publication, newest
 * reply first, with personal data removed from every text. A case that is not public (or not
 * answered) is "not found", exactly like a missing one.
 */
@ApiExcludeController()
@UseFilters(PublicPageFilter)
@Controller()
export class PublicListController {
  private readonly repo: PublicListRepository;

  constructor(
    @InjectDataSource() db: DataSource,
    private readonly cipher: PiiCipher,
    private readonly stats: StatsService,
  ) {
    this.repo = new PublicListRepository(db);
  }

  @Public()
  @Get('public')
  async list(@Query('page') pageParam: string | undefined, @Res() res: Response): Promise<void> {
    const page = Math.min(100_000, Math.max(1, Math.floor(Number(pageParam ?? 1)) || 1));
    const [{ items, total }, label] = await Promise.all([this.repo.page(PAGE_SIZE, (page - 1) * PAGE_SIZE), this.stats.channelLabels()]);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    this.html(res, renderPublicList(items.map((r) => this.clean(r, label)), page, pages, total));
  }

  @Public()
  @Get('public/:caseNo')
  async one(@Param('caseNo') caseNo: string, @Res() res: Response): Promise<void> {
    const row = await this.repo.one(caseNo);
    if (!row) throw new NotFoundException();
    this.html(res, renderPublicCase(this.clean(row, await this.stats.channelLabels())));
  }

  private clean(r: PublicCaseRow, label: (id: string) => string) {
    return publicCase(r, this.cipher.openOptional(r.nameSealed), label);
  }

  private html(res: Response, page: string): void {
    res.status(200).type('text/html; charset=utf-8').setHeader('Cache-Control', 'no-store').send(page);
  }
}

import { applyDecorators, Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { CATEGORIES } from '../../adapters';
import { CurrentUser, Principal, Roles } from '../auth/decorators';
import { CASE_STATUSES } from '../cases/domain/status';
import { CONTENT_TYPES, sendTable } from './download';
import { ExportQuery, ExportsService } from './exports.service';
import { TableFormat } from './table-writer';

/** The filters and answers both routes share, for /docs. */
const ExportDocs = () =>
  applyDecorators(
    ApiQuery({ name: 'channel', required: false, description: 'channel id, e.g. mailbox, portal-zhujian' }),
    ApiQuery({ name: 'status', required: false, enum: CASE_STATUSES }),
    ApiQuery({ name: 'unit', required: false, description: 'handling unit (承办单位), e.g. 市住建局' }),
    ApiQuery({ name: 'category', required: false, enum: CATEGORIES }),
    ApiQuery({ name: 'domain', required: false }),
    ApiQuery({ name: 'from', required: false, description: 'first local day (Asia/Shanghai) of received_at, YYYY-MM-DD' }),
    ApiQuery({ name: 'to', required: false, description: 'last local day, inclusive, YYYY-MM-DD' }),
    ApiQuery({ name: 'reveal', required: false, enum: ['citizen'], description: 'contact details in clear: admin and staff only, audited' }),
    ApiResponse({ status: 400, description: 'a parameter is wrong (named in the message)' }),
    ApiResponse({ status: 403, description: 'reveal=citizen asked by a role that may not' }),
    ApiResponse({ status: 503, description: 'PostgreSQL is away, or too many exports are running' }),
  );

/**
 * Case lists as files (CSV for any tool, XLSX for Excel), oldest first, streamed: the file starts
 * at once and has no size limit. Contact details are masked unless staff ask reveal=citizen.
 */
@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/v1/exports')
export class ExportsController {
  private readonly logger = new Logger(ExportsController.name);

  constructor(private readonly exports: ExportsService) {}

  @Roles('admin', 'staff', 'leader', 'unit')
  @Get('cases.csv')
  @ApiOperation({ summary: 'Cases as CSV (UTF-8 with BOM, CRLF); contact details masked unless reveal=citizen' })
  @ApiProduces('text/csv')
  @ExportDocs()
  csv(@Query() q: ExportQuery, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    return this.send('csv', q, user, res);
  }

  @Roles('admin', 'staff', 'leader', 'unit')
  @Get('cases.xlsx')
  @ApiOperation({ summary: 'Cases as an Excel workbook; contact details masked unless reveal=citizen' })
  @ApiProduces(CONTENT_TYPES.xlsx)
  @ExportDocs()
  xlsx(@Query() q: ExportQuery, @CurrentUser() user: Principal, @Res() res: Response): Promise<void> {
    return this.send('xlsx', q, user, res);
  }

  private async send(format: TableFormat, q: ExportQuery, user: Principal, res: Response): Promise<void> {
    const prepared = await this.exports.prepare(format, q, user);
    try {
      await sendTable(res, format, { ...prepared, sheetName: '案件' }, this.logger, `case export by ${user.username}`);
    } finally {
      await prepared.finish().catch((err: Error) => this.logger.warn(`case export: closing the rows failed: ${err.message}`));
    }
  }
}

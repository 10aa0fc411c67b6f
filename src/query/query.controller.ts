import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { PublicProgress, QueryService } from './query.service';

@ApiTags('query')
@Controller('api/v1/query')
export class QueryController {
  constructor(private readonly query: QueryService) {}

  @Public()
  @Get(':queryCode')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: '一键查询: progress of a message by its query code (no personal data)' })
  progress(@Param('queryCode') code: string): Promise<PublicProgress> {
    return this.query.progress(code);
  }
}

import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { PublicProgress, QueryService } from './query.service';

@ApiTags('query')
@Controller('api/v1/query')
export class QueryController {
  constructor(private readonly query: QueryService) {}

  @Public()
  @Post(':queryCode/rating')
  @HttpCode(200)
  @ApiOperation({ summary: '评价: the citizen rates the reply — {satisfaction: 满意 | 基本满意 | 不满意, comment?}; 不满意 reopens the case (重办)' })
  rate(@Param('queryCode') code: string, @Body() body: unknown): Promise<PublicProgress> {
    return this.query.rate(code, body);
  }

  @Public()
  @Get(':queryCode')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: '一键查询: progress of a message by its query code (no personal data)' })
  progress(@Param('queryCode') code: string): Promise<PublicProgress> {
    return this.query.progress(code);
  }
}

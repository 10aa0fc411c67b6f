import { BadRequestException, Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { WorkflowService } from '../workflow/workflow.service';
import { PublicProgress, QueryService } from './query.service';

@ApiTags('query')
@Controller('api/v1/query')
export class QueryController {
  constructor(
    private readonly query: QueryService,
    private readonly workflow: WorkflowService,
  ) {}

  @Public()
  @Post(':queryCode/rating')
  @HttpCode(200)
  @ApiOperation({ summary: '评价: the citizen rates the reply — {satisfaction: 满意 | 基本满意 | 不满意, comment?}; 不满意 reopens the case (重办)' })
  async rate(@Param('queryCode') code: string, @Body() body: unknown) {
    const satisfaction = (body as { satisfaction?: unknown } | undefined)?.satisfaction;
    if (satisfaction !== '满意' && satisfaction !== '基本满意' && satisfaction !== '不满意') {
      throw new BadRequestException('satisfaction must be 满意, 基本满意 or 不满意');
    }
    const caseNo = await this.query.caseNoOf(code);
    await this.workflow.act(caseNo, satisfaction === '不满意' ? 'rate_unsatisfied' : 'rate_satisfied', body, { name: 'citizen', role: 'citizen' });
    return this.query.progress(code);
  }

  @Public()
  @Get(':queryCode')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: '一键查询: progress of a message by its query code (no personal data)' })
  progress(@Param('queryCode') code: string): Promise<PublicProgress> {
    return this.query.progress(code);
  }
}

import { BadRequestException, Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Principal, Roles } from '../auth/decorators';
import { CasesService, ListQuery } from './cases.service';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/v1/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Roles('admin', 'staff', 'leader', 'unit')
  @Get()
  @ApiOperation({ summary: 'Cases, newest first; contact details masked' })
  @ApiQuery({ name: 'channel', required: false })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'unit', required: false })
  @ApiQuery({ name: 'page', required: false })
  @ApiQuery({ name: 'pageSize', required: false, description: '1–100, default 20' })
  list(@Query() q: ListQuery, @CurrentUser() user: Principal) {
    return this.cases.list(q, user);
  }

  @Roles('admin', 'staff', 'leader', 'unit')
  @Get(':caseNo')
  @ApiOperation({ summary: 'One case with its timeline; ?reveal=citizen shows contact details to staff (audited)' })
  @ApiQuery({ name: 'reveal', required: false, enum: ['citizen'] })
  detail(@Param('caseNo') caseNo: string, @Query('reveal') reveal: string | undefined, @CurrentUser() user: Principal) {
    if (reveal !== undefined && reveal !== 'citizen') throw new BadRequestException('reveal must be "citizen"');
    return this.cases.detail(caseNo, user, reveal === 'citizen');
  }

  @Roles('admin', 'staff')
  @Put(':caseNo/duplicate-of')
  @ApiOperation({ summary: '并单 by hand: this case repeats the earlier case `of` (409 if either is already linked otherwise); audited' })
  @ApiBody({ schema: { type: 'object', required: ['of', 'reason'], properties: { of: { type: 'string' }, reason: { type: 'string' } } } })
  linkDuplicate(@Param('caseNo') caseNo: string, @Body() body: unknown, @CurrentUser() user: Principal) {
    return this.cases.linkDuplicate(caseNo, body, user);
  }

  @Roles('admin', 'staff')
  @Delete(':caseNo/duplicate-of')
  @ApiOperation({ summary: '拆分: undo a 并单 (automatic or by hand) with a reason (?reason=, up to 1,000 characters); both timelines record it; audited' })
  @ApiQuery({ name: 'reason', required: true })
  splitDuplicate(@Param('caseNo') caseNo: string, @Query('reason') reason: unknown, @CurrentUser() user: Principal) {
    return this.cases.splitDuplicate(caseNo, { reason }, user);
  }

  @Roles('admin', 'staff')
  @Get(':caseNo/raw')
  @ApiOperation({ summary: 'The raw submission as it arrived (audited)' })
  raw(@Param('caseNo') caseNo: string, @CurrentUser() user: Principal) {
    return this.cases.raw(caseNo, user);
  }
}

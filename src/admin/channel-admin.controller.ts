import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Principal, Roles } from '../auth/decorators';
import { ChannelAdminService } from './channel-admin.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin/channels')
export class ChannelAdminController {
  constructor(private readonly admin: ChannelAdminService) {}

  @Roles('admin', 'staff')
  @Get(':id')
  @ApiOperation({ summary: 'A channel’s integration configuration (secrets hidden) and, for pulled channels, its health' })
  view(@Param('id') id: string) {
    return this.admin.view(id);
  }

  @Roles('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Edit disposition, name, unit, guidance, referTo, enabled, config: validated, versioned, audited, applied at once' })
  update(@Param('id') id: string, @Body() body: unknown, @CurrentUser() user: Principal) {
    return this.admin.update(id, body, user);
  }

  @Roles('admin', 'staff')
  @Get(':id/history')
  @ApiOperation({ summary: 'The versions of a channel: who changed what, when' })
  history(@Param('id') id: string) {
    return this.admin.history(id);
  }

  @Roles('admin')
  @Post(':id/pull')
  @HttpCode(202)
  @ApiOperation({ summary: 'Pull a retained channel now; body {backfill: {fromDate} | {fromId}} to backfill' })
  pull(@Param('id') id: string, @Body() body: unknown, @CurrentUser() user: Principal) {
    return this.admin.pullNow(id, body, user);
  }
}

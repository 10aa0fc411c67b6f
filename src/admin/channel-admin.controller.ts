import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Principal, Roles } from '../auth/decorators';
import { ImportService } from '../imports/import.service';
import { ChannelAdminService } from './channel-admin.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin/channels')
export class ChannelAdminController {
  constructor(
    private readonly admin: ChannelAdminService,
    private readonly imports: ImportService,
  ) {}

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

  @Roles('admin')
  @Post(':id/import')
  @HttpCode(202)
  @ApiOperation({ summary: 'Switch-over import of a portal’s old board: {source: "pages"} (selectors in config.import) or {source: "file", format: "json"|"csv", data}' })
  startImport(@Param('id') id: string, @Body() body: unknown, @CurrentUser() user: Principal) {
    return this.imports.start(id, body, user);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin/imports')
export class ImportAdminController {
  constructor(private readonly imports: ImportService) {}

  @Roles('admin', 'staff')
  @Get(':runId')
  @ApiOperation({ summary: 'An import’s progress: pages or records done, found, imported, skipped, invalid, problems' })
  view(@Param('runId') runId: string) {
    return this.imports.view(runId);
  }

  @Roles('admin')
  @Post(':runId/resume')
  @HttpCode(202)
  @ApiOperation({ summary: 'Resume an import that stopped, from where it stopped' })
  resume(@Param('runId') runId: string, @CurrentUser() user: Principal) {
    return this.imports.resume(runId, user);
  }
}

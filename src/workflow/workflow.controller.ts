import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Principal, Roles } from '../auth/decorators';
import { Actor, WorkflowService } from './workflow.service';

const actorOf = (u: Principal): Actor => ({ name: u.username, role: u.role, unit: u.unit });

@ApiTags('workflow')
@ApiBearerAuth()
@Controller('api/v1/cases/:caseNo')
export class WorkflowController {
  constructor(private readonly workflow: WorkflowService) {}

  @Roles('admin', 'staff', 'unit', 'leader')
  @Post('actions/:event')
  @HttpCode(200)
  @ApiOperation({
    summary: 'One workflow step: accept, decline, refer, reply, transfer, coordinate, return, request_extension, decide_extension, remind, issue_reminder_notice, propose_criticism, decide_criticism, submit_feedback, close, archive',
    description: 'Allowed steps depend on the case status and the role (the transition table); a refused step answers 409 (wrong status) or 403 (wrong role) naming both.',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  act(@Param('caseNo') caseNo: string, @Param('event') event: string, @Body() body: unknown, @CurrentUser() user: Principal) {
    return this.workflow.act(caseNo, event, body, actorOf(user));
  }

  @Roles('admin', 'staff', 'unit', 'leader')
  @Get('documents/:docNo')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({ summary: 'A printable document of the case (转办卡, 催办通知书, 延长办理卡, 通报) as HTML' })
  document(@Param('caseNo') caseNo: string, @Param('docNo') docNo: string, @CurrentUser() user: Principal) {
    return this.workflow.renderDocument(caseNo, docNo, actorOf(user));
  }
}

import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { Open311Service } from './open311.service';

/** Open311 GeoReport v2, read only (JSON). */
@ApiTags('open311')
@Controller('open311/v2')
export class Open311Controller {
  constructor(private readonly open311: Open311Service) {}

  @Public()
  @Get('services.json')
  @ApiOperation({ summary: 'The five categories as Open311 services' })
  services() {
    return this.open311.services();
  }

  @Public()
  @Get('requests.json')
  @ApiOperation({ summary: 'Public cases (their authors agreed), no personal data; filters service_request_id, service_code, start_date, end_date, status' })
  requests(@Query() q: Record<string, string | undefined>) {
    return this.open311.requests(q);
  }

  @Public()
  @Get('requests/:id.json')
  @ApiOperation({ summary: 'One public case by its case number' })
  request(@Param('id') id: string) {
    return this.open311.request(id);
  }
}

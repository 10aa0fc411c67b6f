import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { ChannelRegistry } from './channel-registry.service';
import { ChannelEntity } from './entities/channel.entity';

export interface ChannelView {
  id: string;
  unit: string;
  name: string;
  disposition: string;
  effectiveFrom: string;
  guidance: string;
  referTo: ChannelEntity['referTo'];
  enabled: boolean;
  goUrl: string;
}

export function channelView(c: ChannelEntity): ChannelView {
  return {
    id: c.id,
    unit: c.unit,
    name: c.name,
    disposition: c.disposition,
    effectiveFrom: c.effectiveFrom,
    guidance: c.guidance,
    referTo: c.referTo,
    enabled: c.enabled,
    goUrl: `/go/${c.id}`,
  };
}

@ApiTags('channels')
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(private readonly registry: ChannelRegistry) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'The channel table of 运政办发〔2020〕20号 (42 rows), as the registry holds it now' })
  @ApiOkResponse({ description: '[{id, unit, name, disposition, ...}]' })
  async list(): Promise<ChannelView[]> {
    return (await this.registry.all()).filter((c) => c.disposition !== 'own').map(channelView);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'One channel, including the hub’s own mailbox (id "mailbox")' })
  async one(@Param('id') id: string): Promise<ChannelView> {
    const channel = await this.registry.get(id);
    if (!channel) throw new NotFoundException(`unknown channel "${id}"`);
    return channelView(channel);
  }
}

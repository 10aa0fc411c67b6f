import { Controller, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ConsoleExceptionFilter } from './console.filter';

/** Placeholder: being written. */
@ApiExcludeController()
@UseFilters(ConsoleExceptionFilter)
@Controller('console/channels')
export class ConsoleChannelsController {}

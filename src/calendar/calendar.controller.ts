import { BadRequestException, Body, Controller, Get, Param, ParseIntPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Principal, Roles } from '../auth/decorators';
import { CalendarService } from './calendar.service';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller()
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Roles('admin', 'staff', 'unit', 'leader')
  @Get('api/v1/calendar/add-workdays')
  @ApiOperation({ summary: 'The N-th working day after `from` (`from` not counted); 409 when a needed year is not loaded' })
  add(@Query('from') from: string | undefined, @Query('days') days: string | undefined) {
    if (!from || !/^\d{4}-\d{2}-\d{2}$/.test(from)) throw new BadRequestException('from must be YYYY-MM-DD');
    if (!days || !/^\d{1,3}$/.test(days)) throw new BadRequestException('days must be an integer from 0 to 366');
    return this.calendar.addWorkdays(from, Number(days));
  }

  @Roles('admin', 'staff', 'unit', 'leader')
  @Get('api/v1/calendar/:year')
  @ApiOperation({ summary: 'A year’s holidays and make-up workdays; covered is false for a year whose notice is not loaded' })
  year(@Param('year', ParseIntPipe) year: number) {
    return this.calendar.year(year);
  }

  @Roles('admin')
  @Put('api/v1/admin/calendar/:year')
  @ApiOperation({ summary: 'Load or correct a year from the State Council notice: {holidays: [...], makeupWorkdays: [...], source}' })
  put(@Param('year', ParseIntPipe) year: number, @Body() body: unknown, @CurrentUser() user: Principal) {
    return this.calendar.putYear(year, body, user);
  }
}

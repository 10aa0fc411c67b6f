import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthService } from './auth.service';
import { CurrentUser, Principal, Public, Roles } from './decorators';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in; staff calls then carry Authorization: Bearer {accessToken}' })
  @ApiBody({ schema: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } } })
  login(@Body() body: unknown) {
    const { username, password } = (body ?? {}) as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string' || !username || !password || username.length > 64 || password.length > 256) {
      throw new BadRequestException('username and password are required strings');
    }
    return this.auth.login(username, password);
  }

  @Roles('admin', 'staff', 'unit', 'leader')
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out everywhere: every token issued to this account so far stops working' })
  async logout(@CurrentUser() user: Principal): Promise<void> {
    await this.auth.logout(user);
  }
}

import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { StaffUserEntity } from './entities/staff-user.entity';
import { RouteAudit } from './route-audit';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([StaffUserEntity]), DiscoveryModule],
  controllers: [AuthController],
  providers: [AuthService, RouteAudit, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, RouteAudit],
})
export class AuthModule {}

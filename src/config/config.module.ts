import { Global, Module } from '@nestjs/common';
import { HubConfig } from './env';

export const HUB_CONFIG = Symbol('HUB_CONFIG');

/** Makes the validated configuration injectable as `@Inject(HUB_CONFIG) config: HubConfig`. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: HubConfig) {
    return {
      module: ConfigModule,
      providers: [{ provide: HUB_CONFIG, useValue: config }],
      exports: [HUB_CONFIG],
    };
  }
}

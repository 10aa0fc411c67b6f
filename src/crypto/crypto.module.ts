import { Global, Module } from '@nestjs/common';
import { HUB_CONFIG } from '../config/config.module';
import { HubConfig } from '../config/env';
import { PiiCipher } from './pii-cipher';

@Global()
@Module({
  providers: [
    {
      provide: PiiCipher,
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => new PiiCipher(config.dataKey, config.oldDataKeys),
    },
  ],
  exports: [PiiCipher],
})
export class CryptoModule {}

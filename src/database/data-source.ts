import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { HubConfig } from '../config/env';
import { ENTITIES } from './entities';

export function dataSourceOptions(config: HubConfig, applicationName: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false, // failures surface as exceptions, logged where they are handled
    applicationName,
    extra: {
      max: config.dbPoolSize,
      // Fail fast when PostgreSQL is away, so intake answers 503 instead of hanging.
      connectionTimeoutMillis: 3000,
      statement_timeout: 15000,
    },
  };
}

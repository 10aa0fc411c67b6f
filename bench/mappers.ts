/**
 * Mapper throughput: records per second each adapter's pure mapper turns into normalized
 * messages, over its own `ok/` fixtures (so the figure is for realistic payloads), on one core.
 * Run alone with `node dist/bench/mappers.js`; `npm run bench` includes it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADAPTERS, ChannelAdapter } from '../adapters';
import { validateConfig } from '../src/channels/domain/config-validation';

export interface MapperFigure {
  adapter: string;
  fixtures: number;
  recordsPerSecond: number;
  microsecondsPerRecord: number;
}

function fixturesOf(adapter: ChannelAdapter): { payload: unknown; config: Record<string, unknown> }[] {
  const dir = join(__dirname, '..', '..', 'adapters', adapter.manifest.name, 'fixtures', 'ok');
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.map((f) => {
    const fx = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { payload?: unknown; raw?: unknown; config?: Record<string, unknown> };
    const checked = validateConfig(adapter.manifest, fx.config ?? {});
    return { payload: fx.payload ?? fx.raw, config: checked.ok ? checked.value : (fx.config ?? {}) };
  });
}

export function benchMappers(durationMs = 1000): MapperFigure[] {
  const figures: MapperFigure[] = [];
  for (const adapter of ADAPTERS) {
    const fixtures = fixturesOf(adapter);
    if (fixtures.length === 0) continue;
    const ctx = (config: Record<string, unknown>) => ({ channelId: adapter.manifest.name, config, origin: 'push' as const });
    for (let i = 0; i < 2000; i++) adapter.map(fixtures[i % fixtures.length].payload, ctx(fixtures[i % fixtures.length].config)); // warm up
    let n = 0;
    const start = process.hrtime.bigint();
    const end = start + BigInt(durationMs) * 1_000_000n;
    while (process.hrtime.bigint() < end) {
      for (let i = 0; i < 100; i++, n++) {
        const fx = fixtures[n % fixtures.length];
        adapter.map(fx.payload, ctx(fx.config));
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    figures.push({
      adapter: adapter.manifest.name,
      fixtures: fixtures.length,
      recordsPerSecond: Math.round(n / seconds),
      microsecondsPerRecord: Math.round((seconds / n) * 1e7) / 10,
    });
  }
  return figures;
}

if (require.main === module) {
  console.table(benchMappers(Number(process.env.BENCH_MAPPER_MS ?? 1000)));
}

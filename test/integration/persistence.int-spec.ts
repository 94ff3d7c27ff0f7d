import { DataSource } from 'typeorm';
import { createDataSource } from '@radflow/persistence';

describe('database set-up', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = createDataSource({ url: process.env.DATABASE_URL!, poolSize: 2 });
    await ds.initialize();
  });
  afterAll(() => ds.destroy());

  it('has run every migration and no synchronize', async () => {
    const rows = await ds.query('SELECT name FROM schema_migrations ORDER BY id');
    expect(rows.map((r: { name: string }) => r.name)).toContain('CreateCoreSchema1763900000000');
    expect(ds.options.synchronize).toBe(false);
  });
});

import { startProcess } from '@radflow/config';
import { radflowModule } from './radflow.module';
import { loadDemoDataOnce } from './demo/demo-loader';

void startProcess({
  module: radflowModule,
  http: true,
  afterStart: async (app, env) => {
    const demo = env.RADFLOW_DEMO_DATA ?? !env.DATABASE_URL;
    if (demo) await loadDemoDataOnce(app, env);
  },
});

import { startProcess } from '@radflow/config';
import { RadflowModule } from './radflow.module';
import { loadDemoDataOnce } from './demo/demo-loader';

void startProcess({
  module: (env) => RadflowModule.forRoot(env),
  http: true,
  afterStart: async (app, env) => {
    const demo = env.RADFLOW_DEMO_DATA ?? !env.DATABASE_URL;
    if (demo) await loadDemoDataOnce(app, env);
  },
});

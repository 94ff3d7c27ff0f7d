import { startProcess } from '@radflow/config';
import { databaseDependency } from '@radflow/persistence';
import { redisDependency } from '@radflow/queue';
import { inboundOptionsFrom } from '../../mllp-gateway/src/inbound-options';
import { radflowModule } from './radflow.module';
import { loadDemoDataOnce } from './demo/demo-loader';

void startProcess({
  module: radflowModule,
  http: true,
  checkConfig: (env) => void inboundOptionsFrom(env),
  dependencies: (env) => [databaseDependency(env), redisDependency(env)],
  afterStart: async (app, env) => {
    const demo = env.RADFLOW_DEMO_DATA ?? !env.DATABASE_URL;
    if (demo) await loadDemoDataOnce(app, env);
  },
});

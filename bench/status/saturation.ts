import { cpuSecondsOf, machineBusySeconds, postgresCpuSeconds } from '../hl7-ingest/profile';
import { LaneOp, saturate } from './load';
import { TransitionCount, TransitionCounter } from './radflow';

export interface SaturationRun {
  scenario: string;
  /** SCUs (DICOM associations in flight) and MLLP connections driving it. */
  scus: number;
  connections: number;
  windowSeconds: number;
  /** Rows written to study_transitions per second in the window, scopes step + study. */
  transitionsPerSecond: number;
  stepPerSecond: number;
  studyPerSecond: number;
  flagsInWindow: number;
  /** Whole operations (an N-CREATE + N-SET, or an SC IP + SC CM) that succeeded / failed, whole run. */
  ok: number;
  failed: number;
  failures: Record<string, number>;
  ranDry: boolean;
  /** CPU ms per transition in the window: Radflow, its Postgres (null with DATABASE_URL), this process (the SCUs). */
  cpuMsPerTransition: { radflow: number; postgres: number | null; bench: number };
  machineBusyCores: number;
}

export interface Drive {
  scenario: string;
  scus: number;
  connections: number;
  lanes: number;
  op: LaneOp;
  /** Pre-placed orders it may use; each operation takes the next one. */
  orders: number;
}

/**
 * Drives the lifecycle as hard as `drive` can, lets it ramp up for `warmupSeconds`, then counts the
 * rows study_transitions gained over `windowSeconds` by the database's clock (the window ends
 * early if the pre-placed orders run out), and stops the lanes.
 */
export async function saturation(counter: TransitionCounter, pids: { radflow: number; postmaster: number | null }, drive: Drive, warmupSeconds: number, windowSeconds: number): Promise<SaturationRun> {
  let next = 0;
  const run = saturate(drive.lanes, () => (next < drive.orders ? next++ : undefined), drive.op);
  const pause = (s: number) => Promise.race([new Promise((r) => setTimeout(r, s * 1000)), run.done]);
  await pause(warmupSeconds);
  const cpu0 = cpuNow(pids);
  const c0 = await counter.count();
  await pause(windowSeconds);
  const c1 = await counter.count();
  const cpu1 = cpuNow(pids);
  run.stop();
  const result = await run.done;
  const seconds = c1.atSeconds - c0.atSeconds;
  const moved = (c: TransitionCount) => c.step + c.study;
  const transitions = moved(c1) - moved(c0);
  const per = (s: number) => Math.round((s * 1e6) / Math.max(transitions, 1)) / 1000;
  return {
    scenario: drive.scenario, scus: drive.scus, connections: drive.connections, windowSeconds: seconds,
    transitionsPerSecond: transitions / seconds, stepPerSecond: (c1.step - c0.step) / seconds, studyPerSecond: (c1.study - c0.study) / seconds,
    flagsInWindow: c1.flag - c0.flag, ...result, ranDry: run.ranDry(),
    cpuMsPerTransition: { radflow: per(cpu1.radflow - cpu0.radflow), postgres: pids.postmaster ? per(cpu1.postgres - cpu0.postgres) : null, bench: per(cpu1.bench - cpu0.bench) },
    machineBusyCores: Math.round(((cpu1.machine - cpu0.machine) / ((cpu1.wall - cpu0.wall) / 1000)) * 100) / 100,
  };
}

function cpuNow(pids: { radflow: number; postmaster: number | null }) {
  const own = process.cpuUsage();
  return {
    radflow: cpuSecondsOf(pids.radflow), postgres: postgresCpuSeconds(pids.postmaster), bench: (own.user + own.system) / 1e6,
    machine: machineBusySeconds(), wall: Date.now(),
  };
}

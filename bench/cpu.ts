import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat times (100 on every common Linux build). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system) a process and its live children have used so far (a connector with
 * MC_RELAY_HTTP_PROCESSES > 1 answers from child processes); NaN once the process has gone.
 */
export function processCpuSeconds(pid: number): number {
  const own = ownCpuSeconds(pid);
  let children = 0;
  for (const child of childPids(pid)) children += ownCpuSeconds(child) || 0;
  return own + children;
}

function ownCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLK_TCK : NaN;
}

function childPids(pid: number): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && Number(statFields(Number(entry))?.[1]) === pid).map(Number);
}

/** /proc/<pid>/stat after the command name (which is in parentheses and may contain spaces); undefined once it has gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Busy and total jiffies of the whole machine, from the first line of /proc/stat. */
function machineJiffies(): { busy: number; total: number } {
  const values = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

export type CpuReport = Record<string, number>;

/** CPU seconds of every process running `command` (e.g. all PostgreSQL backends), by pid. */
function cpuByCommand(command: string): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== command) continue;
    } catch {
      continue;
    }
    // Each process on its own: PostgreSQL's backends are children of a process of the same name.
    const seconds = ownCpuSeconds(Number(entry));
    if (!Number.isNaN(seconds)) found.set(Number(entry), seconds);
  }
  return found;
}

/**
 * Cores used by each named process, by this process (the load generator runs here), and by the
 * whole machine, over one measured window. Tells whether the server, the generator or something
 * else was the limit; on a small VM they all share the same cores.
 */
export function startCpuWindow(pids: Record<string, number>, commands: string[] = []): () => CpuReport {
  const startedAt = performance.now();
  const startSelf = process.cpuUsage();
  const startMachine = machineJiffies();
  const startProcs = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)]));
  const startCommands = new Map(commands.map((command) => [command, cpuByCommand(command)]));
  return () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const self = process.cpuUsage(startSelf);
    const machine = machineJiffies();
    const round = (x: number) => Math.round(x * 100) / 100;
    const report: CpuReport = {};
    for (const [name, pid] of Object.entries(pids)) report[name] = round((processCpuSeconds(pid) - startProcs[name]!) / seconds);
    for (const [command, before] of startCommands) {
      // Processes started during the window count in full; ones that ended in it are missed.
      let used = 0;
      for (const [pid, now] of cpuByCommand(command)) used += now - (before.get(pid) ?? 0);
      report[command] = round(used / seconds);
    }
    report.generator = round((self.user + self.system) / 1e6 / seconds);
    const ours = Object.values(report).reduce((a, b) => a + b, 0);
    report.machine = round(((machine.busy - startMachine.busy) / (machine.total - startMachine.total)) * cpus().length);
    // Whatever else ran on the machine meanwhile: on a shared VM, the first thing to check.
    report.restOfMachine = round(Math.max(0, report.machine! - ours));
    return report;
  };
}

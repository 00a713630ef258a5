// The JS threads demo (threads.html): runs each example's threads and draws a lane per thread
// from the records they post on a BroadcastChannel of the example (see threads-task.js); the
// last example's lanes are a ThreadPoolExecutor's worker threads, running its tasks. Sets
// window.demoResult = { ok, examples: [{ name, threads, alive, records }] } when done (for a
// headless check).
import init, {
  initThreads, Thread, Lock, Semaphore, Event, Barrier, Queue, ThreadPoolExecutor,
} from './pkg/pythreading_demo.js';

const TASK = new URL('./threads-task.js', import.meta.url);
const COLORS = { 1: '#e8a33d', 2: '#3d8be8', 0: '#ddd' };

let logs = 0;
// A channel name for an example and the records that arrive on it.
function newLog() {
  const name = `threads-demo-${Date.now()}-${logs++}`;
  const received = [];
  const bc = new BroadcastChannel(name);
  bc.onmessage = ({ data }) => received.push(data);
  return { name, received, close: () => bc.close() };
}

function records(log) {
  return log.received;
}

function draw(canvas, names, log, t0, now) {
  const ctx = canvas.getContext('2d');
  const lane = 26, left = 150, width = canvas.width - left - 10;
  const span = Math.max(now - t0, 500);
  const x = (t) => left + ((t - t0) / span) * width;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '12px system-ui';
  names.forEach((name, i) => {
    ctx.fillStyle = '#000';
    ctx.fillText(name, 4, i * lane + 17);
  });
  const byLane = new Map();
  for (const r of records(log)) {
    if (!byLane.has(r.lane)) byLane.set(r.lane, []);
    byLane.get(r.lane).push(r);
  }
  for (const [i, rs] of byLane) {
    rs.sort((a, b) => a.t - b.t);
    rs.forEach((r, k) => {
      if (r.state === 3) return;
      const end = k + 1 < rs.length ? rs[k + 1].t : now;
      ctx.fillStyle = COLORS[r.state] || '#ddd';
      ctx.fillRect(x(r.t), i * lane + 5, Math.max(1, x(end) - x(r.t)), lane - 10);
    });
  }
  ctx.fillStyle = '#666';
  ctx.fillText(`${Math.round(span)} ms`, canvas.width - 60, names.length * lane + 14);
}

// An example's section: its title, text and a canvas of `names.length` lanes, drawn from the
// records on the example's channel from `start()` until `stop()`.
function panel(title, text, names) {
  const section = document.createElement('section');
  section.innerHTML = `<h2></h2><p></p>`;
  section.querySelector('h2').textContent = title;
  section.querySelector('p').textContent = text;
  const canvas = document.createElement('canvas');
  canvas.width = 900;
  canvas.height = names.length * 26 + 20;
  section.append(canvas);
  document.getElementById('examples').append(section);
  const log = newLog();
  const now = () => performance.timeOrigin + performance.now();
  let t0 = now();
  let running = false;
  const frame = () => {
    draw(canvas, names, log, t0, now());
    if (running) requestAnimationFrame(frame);
  };
  return {
    log,
    start() {
      t0 = now();
      running = true;
      requestAnimationFrame(frame);
    },
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the last records in flight
      running = false;
      log.close();
      draw(canvas, names, log, t0, now());
      return records(log).length;
    },
  };
}

// One example: `threads` is [name, export, args(lane)] for each lane.
async function example(title, text, threads) {
  const names = threads.map(([name]) => name);
  const p = panel(title, text, names);
  const ts = threads.map(([name, exp, args], lane) =>
    new Thread({ target: TASK, export: exp, args: [p.log.name, lane, ...args], name }));
  p.start();
  for (const t of ts) t.start();
  for (const t of ts) await t.joinAsync(30);
  const n = await p.stop();
  return { name: title, threads: ts.length, alive: ts.filter((t) => t.isAlive()).length, records: n };
}

// A ThreadPoolExecutor: `tasks` tasks of different lengths on `workers` worker threads, a lane
// per worker; each task returns its number squared, which the page checks.
async function executorExample(workers, tasks) {
  const names = Array.from({ length: workers }, (_, i) => `lanes-pool_${i}`);
  const p = panel(`ThreadPoolExecutor(${workers})`,
    `${tasks} tasks submitted at once to a ThreadPoolExecutor of ${workers} worker threads: each worker (a lane) takes the next task when it is free; the page awaits their Futures.`,
    names);
  const lanes = new Queue();
  for (let i = 0; i < workers; i++) lanes.put(i);
  const ex = new ThreadPoolExecutor({ maxWorkers: workers, threadNamePrefix: 'lanes-pool' });
  p.start();
  const futures = Array.from({ length: tasks }, (_, i) =>
    ex.submit({ target: TASK, export: 'poolTask' }, p.log.name, lanes, i, 60 + ((i * 53) % 120)));
  const squares = await Promise.all(futures.map((f) => f.resultAsync(30)));
  await ex.shutdownAsync();
  const n = await p.stop();
  const right = squares.every((v, i) => v === i * i);
  const workerThreads = ex.threads();
  return {
    name: `ThreadPoolExecutor(${workers})`,
    threads: workerThreads.length,
    alive: workerThreads.filter((t) => t.isAlive()).length + (right ? 0 : 1),
    records: n,
  };
}

async function main() {
  await init();
  await initThreads(8);
  const results = [];
  const lock = new Lock();
  results.push(await example('Lock', 'Four threads take one Lock three times each: one holds it at a time.',
    [0, 1, 2, 3].map((i) => [`locker-${i}`, 'lockWorker', [lock, 3]])));
  const sem = new Semaphore(2);
  results.push(await example('Semaphore(2)', 'Six threads, at most two in the section at once.',
    [0, 1, 2, 3, 4, 5].map((i) => [`pool-${i}`, 'semaphoreWorker', [sem]])));
  const ev = new Event();
  results.push(await example('Event', 'Three threads wait for an event that a fourth sets after 300 ms.',
    [...[0, 1, 2].map((i) => [`waiter-${i}`, 'eventWaiter', [ev]]), ['setter', 'eventSetter', [ev]]]));
  const barrier = new Barrier(4);
  results.push(await example('Barrier(4)', 'Four threads work for different times, then pass the barrier together.',
    [100, 200, 300, 400].map((ms, i) => [`party-${i}`, 'barrierWorker', [barrier, ms]])));
  const done = new Event();
  results.push(await example('async target', 'A thread whose target is an async function lives until its promise settles.',
    [['async', 'asyncWorker', [done]]]));
  results.push(await executorExample(3, 8));
  const ok = results.every((r) => r.alive === 0 && r.records >= r.threads * 2);
  document.getElementById('status').textContent = ok ? 'done' : 'failed';
  window.demoResult = { ok, examples: results };
}

main().catch((e) => {
  document.getElementById('status').textContent = `error: ${e}`;
  window.demoResult = { ok: false, error: String(e) };
});

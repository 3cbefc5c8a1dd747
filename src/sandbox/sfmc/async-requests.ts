// The data/v1/async queue: a write is accepted (202) first and applied later, row by row, so a
// client has to poll /status and read /results to learn which rows failed, as on real SFMC.
import { randomUUID } from 'node:crypto';
import type { Row, RowError, StoredDataExtension, WriteMode } from './data-extension-store.ts';
import { sfmcSystemTime } from './sfmc-time.ts';

export interface AsyncRequest {
  id: string;
  mid: string;
  de: StoredDataExtension;
  mode: WriteMode;
  items: Row[];
  callTime: number;
  pickupTime?: number;
  completionTime?: number;
  /** "Error" is the docs' third state (the request itself failed); nothing here produces it yet. */
  requestStatus: 'Pending' | 'Complete' | 'Error';
  errors: RowError[];
}

export class AsyncQueue {
  private readonly requests = new Map<string, AsyncRequest>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly delayMs: number,
    private readonly onProcessed: (req: AsyncRequest) => void,
  ) {}

  enqueue(mid: string, de: StoredDataExtension, mode: WriteMode, items: Row[]): AsyncRequest {
    const req: AsyncRequest = { id: randomUUID(), mid, de, mode, items, callTime: Date.now(), requestStatus: 'Pending', errors: [] };
    this.requests.set(req.id, req);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.process(req);
    }, this.delayMs);
    this.timers.add(timer);
    return req;
  }

  /** Request ids are private to the business unit that made them. */
  get(mid: string, id: string): AsyncRequest | undefined {
    const req = this.requests.get(id.toLowerCase());
    return req && req.mid === mid ? req : undefined;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private process(req: AsyncRequest): void {
    req.pickupTime = Date.now();
    for (const item of req.items) {
      const error = req.de.write(item, req.mode);
      if (error) req.errors.push(error);
    }
    req.items = []; // nothing reads them again; don't keep 32,000-row payloads alive
    req.completionTime = Date.now();
    req.requestStatus = 'Complete';
    this.onProcessed(req);
  }
}

/** GET …/status body (getStatusDataExtensionAsync.md); the outer requestId identifies this call. */
export function statusBody(req: AsyncRequest) {
  const done = req.requestStatus !== 'Pending';
  return {
    status: {
      callDateTime: sfmcSystemTime(req.callTime),
      completionDateTime: req.completionTime === undefined ? null : sfmcSystemTime(req.completionTime),
      hasErrors: req.errors.length > 0,
      pickupDateTime: req.pickupTime === undefined ? null : sfmcSystemTime(req.pickupTime),
      requestStatus: req.requestStatus,
      // "OK" is the documented value; "Error" for a run with failed rows is [INFERRED].
      resultStatus: done ? (req.errors.length > 0 ? 'Error' : 'OK') : null,
      requestId: req.id,
    },
    requestId: randomUUID(),
  };
}

/** GET …/results body (getResultsDataExtensionAsync.md): one item per failed row, paged. */
export function resultsBody(req: AsyncRequest, page: number, pageSize: number) {
  const start = (page - 1) * pageSize;
  return {
    page,
    pageSize,
    count: req.errors.length,
    items: req.errors.slice(start, start + pageSize).map((e) => ({ errorCode: e.errorCode, message: e.message, status: 'Error' })),
    requestId: randomUUID(),
  };
}

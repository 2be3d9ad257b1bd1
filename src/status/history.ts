/**
 * A tag's recent temperature and humidity, for the status page's chart:
 * at most one point per `stepMs`, none older than `spanMs`, so memory is
 * bounded (one hour at 10 s steps: 360 points per tag) whatever the interval.
 */

export interface HistoryPoint {
  /** Epoch ms. */
  t: number;
  temperature?: number;
  humidity?: number;
}

export class History {
  readonly points: HistoryPoint[] = [];
  constructor(readonly spanMs = 3_600_000, readonly stepMs = 10_000) {}

  add(p: HistoryPoint): void {
    const last = this.points[this.points.length - 1];
    if (last && p.t - last.t < this.stepMs) return;
    this.points.push(p);
    this.trim(p.t);
  }

  /** Drops points older than the span, counted back from `now`. */
  trim(now = Date.now()): void {
    const from = now - this.spanMs;
    let n = 0;
    while (n < this.points.length && this.points[n].t < from) n++;
    if (n > 0) this.points.splice(0, n);
  }
}

/** The temperature and relative humidity of a reading's fields, where it has them. */
export function climateOf(
  fields: Record<string, number>,
): { temperature?: number; humidity?: number } {
  // The humidity chip's temperature, else the IR sensor's die temperature: both are the air's.
  const temperature = fields.humidity ?? fields.ambient;
  return { temperature, humidity: fields.rh };
}

/**
 * Gathers calls that arrive within `windowMs` of each other (up to `max`) and runs them as one
 * batch: one statement and one commit instead of many. Each caller gets its own result, only after
 * the batch ran; an Error in a caller's place rejects that caller alone, a failed batch rejects all.
 */
export class MicroBatcher<I, O> {
  private waiting: { item: I; resolve: (o: O) => void; reject: (err: unknown) => void }[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    /** Runs a batch; returns one result (or Error) per item, in the items' order. */
    private readonly run: (items: I[]) => Promise<(O | Error)[]>,
    private readonly opts: { windowMs: number; max: number },
  ) {}

  add(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.opts.max) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting.splice(0);
    if (batch.length === 0) return;
    this.run(batch.map((b) => b.item)).then(
      (results) => batch.forEach((b, i) => (results[i] instanceof Error ? b.reject(results[i]) : b.resolve(results[i] as O))),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    );
  }
}

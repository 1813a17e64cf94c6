/**
 * The step budget of one render. Every node walked and every loop iteration is a step, includes
 * counted in, and work one node does in bulk is weighed in steps too (a Markdown file by its
 * size, a folder by its entries: `template_limits.ts`): nested includes multiply (a page including a partial 5,000 times that includes an
 * empty file 5,000 times crosses no other bound), so steps are what keeps a render short. And a
 * render waits one timer turn every so many steps, so the other requests of its worker are
 * served meanwhile instead of waiting for the page to finish.
 *
 * This module must not know templates.
 * @module
 */

/** What taking a step says: go on, wait for `nextTurn()` first, or stop (past the budget). */
export type Step = "go" | "turn" | "over";

/** The steps of one render. */
export class StepBudget {
  readonly max: number;
  readonly #perTurn: number;
  #taken = 0;

  /** `max` steps in all, a turn every `perTurn`. */
  constructor(max: number, perTurn: number) {
    this.max = max;
    this.#perTurn = perTurn;
  }

  /**
   * Takes `n` steps (one by default: a node or an iteration; more for work that one node does in
   * bulk, a Markdown file rendered or a folder listed). A turn when a multiple of the turn's
   * steps is reached or passed.
   */
  take(n = 1): Step {
    const before = this.#taken;
    this.#taken += n;
    if (this.#taken > this.max) return "over";
    return Math.floor(this.#taken / this.#perTurn) !== Math.floor(before / this.#perTurn)
      ? "turn"
      : "go";
  }
}

/**
 * Lets the event loop run: a timer, not a microtask or `setImmediate` — measured in Deno 2.9,
 * only a timer turn lets sockets be polled, so the worker's other requests are read and answered.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

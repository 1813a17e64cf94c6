/**
 * The calls the upload store makes to the server-wide ledger of the caps, in a module of their
 * own: the store (`upload_store.ts`) calls them and the ledger (`upload_usage.ts`, which builds
 * a store and its sweep) implements them, so neither imports the other for the contract.
 *
 * This module must not know HTTP.
 * @module
 */

/** Why a creation was refused. */
export type CreateRefusal = "count" | "bytes";

/** The calls the store makes (the service, through the shared state's async proxy). */
export interface UsageLedger {
  reserve(id: string, bytes: number): Promise<CreateRefusal | null>;
  resize(id: string, bytes: number): Promise<void>;
  extend(id: string, bytes: number): Promise<number>;
  release(id: string): Promise<void>;
}

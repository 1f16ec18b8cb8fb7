// Browser helpers for checkpoints: Blob in and out, a download link, and persistent storage in the
// Origin Private File System (OPFS) or IndexedDB, whichever the browser has (feature-detected).
import { CheckpointError, InvalidArgumentError, describeValue } from '../errors.js';

/** Where `saveCheckpointToBrowser` keeps bytes. */
export type BrowserStorage = 'opfs' | 'indexeddb';

const DATABASE = 'gen-checkpoints';
const STORE = 'checkpoints';
const DIRECTORY = 'gen-checkpoints';

/** Which persistent stores this environment offers (both false in Node). */
export function browserStorageAvailable(): { opfs: boolean; indexeddb: boolean } {
  const nav = (globalThis as { navigator?: { storage?: { getDirectory?: unknown } } }).navigator;
  return {
    opfs: typeof nav?.storage?.getDirectory === 'function',
    indexeddb: typeof (globalThis as { indexedDB?: unknown }).indexedDB === 'object' && (globalThis as { indexedDB?: unknown }).indexedDB !== null,
  };
}

function checkName(fn: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,200}$/.test(name) || name.startsWith('.')) {
    throw new InvalidArgumentError(
      `Argument 'name' passed to '${fn}' must be 1-200 characters of letters, digits, '.', '_' or '-' (not starting with '.'), but got ${describeValue(name)}.`,
    );
  }
}

function pickStorage(fn: string, storage: BrowserStorage | 'auto'): BrowserStorage {
  const available = browserStorageAvailable();
  if (storage === 'auto') {
    if (available.opfs) return 'opfs';
    if (available.indexeddb) return 'indexeddb';
    throw new InvalidArgumentError(`'${fn}' needs OPFS (navigator.storage.getDirectory) or IndexedDB, and this environment has neither.`);
  }
  if (storage !== 'opfs' && storage !== 'indexeddb') {
    throw new InvalidArgumentError(`Argument 'storage' passed to '${fn}' must be one of 'auto', 'opfs', 'indexeddb', but got ${describeValue(storage)}.`);
  }
  if (!available[storage]) throw new InvalidArgumentError(`'${fn}' was asked for storage '${storage}', which this environment does not have.`);
  return storage;
}

/**
 * Wraps checkpoint bytes in a Blob (for `URL.createObjectURL`, `fetch` bodies or file pickers).
 *
 * @example
 * const blob = checkpointToBlob(await saveCheckpoint({ params, step, config }));
 */
export function checkpointToBlob(bytes: Uint8Array): Blob {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError(`Argument 'bytes' passed to 'checkpointToBlob' must be a Uint8Array, but got ${describeValue(bytes)}.`);
  }
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
}

/**
 * Reads checkpoint bytes from a Blob or File (e.g. from `<input type="file">`), an ArrayBuffer or a
 * `fetch` Response, for `loadCheckpoint`.
 *
 * @example
 * const ckpt = loadCheckpoint(await checkpointBytes(input.files[0]), { expect: model.params });
 */
export async function checkpointBytes(source: Blob | ArrayBuffer | Uint8Array | Response): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (source !== null && typeof source === 'object' && typeof (source as Blob).arrayBuffer === 'function') {
    return new Uint8Array(await (source as Blob).arrayBuffer());
  }
  throw new InvalidArgumentError(
    `Argument 'source' passed to 'checkpointBytes' must be a Blob, File, Response, ArrayBuffer or Uint8Array, but got ${describeValue(source)}.`,
  );
}

/**
 * Offers checkpoint bytes to the user as a file download (browsers only).
 *
 * @example
 * downloadCheckpoint(bytes, 'vae-step-1000.safetensors');
 */
export function downloadCheckpoint(bytes: Uint8Array, filename: string): void {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc || typeof URL.createObjectURL !== 'function') {
    throw new InvalidArgumentError("'downloadCheckpoint' needs a browser document; in Node use saveCheckpointFile.");
  }
  const url = URL.createObjectURL(checkpointToBlob(bytes));
  const link = doc.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function openDatabase(): Promise<IDBDatabase> {
  const req = indexedDB.open(DATABASE, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  return request(req);
}

async function withStore<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDatabase();
  try {
    const tx = db.transaction(STORE, mode);
    const result = await request(fn(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return result;
  } finally {
    db.close();
  }
}

async function opfsDirectory(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(DIRECTORY, { create: true });
}

/**
 * Stores checkpoint bytes under `name` in the browser: OPFS when available, else IndexedDB (or the
 * one named by `storage`). Resolves to the store used.
 *
 * @example
 * await saveCheckpointToBrowser('vae-latest', await saveCheckpoint({ params, step, config }));
 */
export async function saveCheckpointToBrowser(
  name: string,
  bytes: Uint8Array,
  { storage = 'auto' }: { storage?: BrowserStorage | 'auto' } = {},
): Promise<BrowserStorage> {
  checkName('saveCheckpointToBrowser', name);
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidArgumentError(`Argument 'bytes' passed to 'saveCheckpointToBrowser' must be a Uint8Array, but got ${describeValue(bytes)}.`);
  }
  const used = pickStorage('saveCheckpointToBrowser', storage);
  if (used === 'opfs') {
    const file = await (await opfsDirectory()).getFileHandle(name, { create: true });
    const writable = await file.createWritable();
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
  } else {
    // Store a copy of exactly these bytes (not the whole underlying buffer).
    await withStore('readwrite', (store) => store.put(bytes.slice().buffer, name));
  }
  return used;
}

/**
 * Reads checkpoint bytes stored by `saveCheckpointToBrowser`; throws `CheckpointError` when there
 * is none under `name`. Pass the result to `loadCheckpoint`.
 *
 * @example
 * const ckpt = loadCheckpoint(await loadCheckpointFromBrowser('vae-latest'), { expect: model.params });
 */
export async function loadCheckpointFromBrowser(
  name: string,
  { storage = 'auto' }: { storage?: BrowserStorage | 'auto' } = {},
): Promise<Uint8Array> {
  checkName('loadCheckpointFromBrowser', name);
  const used = pickStorage('loadCheckpointFromBrowser', storage);
  if (used === 'opfs') {
    let file: File;
    try {
      file = await (await (await opfsDirectory()).getFileHandle(name)).getFile();
    } catch {
      throw new CheckpointError(`No checkpoint named '${name}' in the browser's OPFS storage.`);
    }
    return new Uint8Array(await file.arrayBuffer());
  }
  const value = await withStore('readonly', (store) => store.get(name) as IDBRequest<ArrayBuffer | undefined>);
  if (!(value instanceof ArrayBuffer)) throw new CheckpointError(`No checkpoint named '${name}' in the browser's IndexedDB storage.`);
  return new Uint8Array(value);
}

/**
 * Deletes a stored checkpoint (no error when absent).
 *
 * @example
 * await deleteCheckpointFromBrowser('vae-latest');
 */
export async function deleteCheckpointFromBrowser(
  name: string,
  { storage = 'auto' }: { storage?: BrowserStorage | 'auto' } = {},
): Promise<void> {
  checkName('deleteCheckpointFromBrowser', name);
  const used = pickStorage('deleteCheckpointFromBrowser', storage);
  if (used === 'opfs') {
    try {
      await (await opfsDirectory()).removeEntry(name);
    } catch {
      // Absent: nothing to delete.
    }
  } else {
    await withStore('readwrite', (store) => store.delete(name));
  }
}

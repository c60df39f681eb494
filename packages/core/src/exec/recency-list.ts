/** The links an item carries to sit in a RecencyList (null while it is in none). */
export interface RecencyLinks<T> {
  older: T | null;
  newer: T | null;
}

/**
 * Items in order of last use, least recent first, linked through the items themselves: touching,
 * removing and taking the oldest are O(1). (A Map used as a queue is not: V8 keeps deleted
 * entries as holes until it rehashes, and every walk from the front steps over them, which made
 * a cache that evicts from the front cost a second of a compiler's run.)
 */
export class RecencyList<T extends RecencyLinks<T>> {
  private oldestItem: T | null = null;
  private newestItem: T | null = null;

  /** The least recently used item, or null when empty. */
  get oldest(): T | null {
    return this.oldestItem;
  }

  has(item: T): boolean {
    return item === this.oldestItem || item.older !== null;
  }

  /** Makes `item` the most recently used, adding it if it is not in the list. */
  touch(item: T): void {
    if (item === this.newestItem) return;
    this.remove(item);
    item.older = this.newestItem;
    if (this.newestItem !== null) this.newestItem.newer = item;
    else this.oldestItem = item;
    this.newestItem = item;
  }

  /** Takes `item` out of the list (nothing if it is not in it). */
  remove(item: T): void {
    if (!this.has(item)) return;
    if (item.older !== null) item.older.newer = item.newer;
    else this.oldestItem = item.newer;
    if (item.newer !== null) item.newer.older = item.older;
    else this.newestItem = item.older;
    item.older = null;
    item.newer = null;
  }
}

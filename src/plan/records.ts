/**
 * Records keyed by user-chosen names (env names, dependency names): `__proto__` is a valid env
 * name, so keys are defined, never assigned, and read only when they are own properties.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

export function getOwn<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

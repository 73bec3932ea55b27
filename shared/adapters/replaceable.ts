/**
 * A process-wide adapter (an engine, a queue, a file store): made from the environment on first
 * use on AWS, or set by the local runtime and the tests with `use` (undefined clears it).
 */
export function replaceable<T>(fromEnvironment: () => T): {
  get: () => T;
  use: (replacement: T | undefined) => void;
} {
  let current: T | undefined;
  return {
    get: () => (current ??= fromEnvironment()),
    use: (replacement) => {
      current = replacement;
    },
  };
}

// The one error type of src/io: a file (or buffer) that does not follow its format.

/**
 * Thrown when a file or buffer is not a valid instance of its format, or holds something clab
 * cannot represent (an unsupported dtype, a Fortran-order array). The message names the source
 * (the path, or `<buffer>` for in-memory data) and the problem.
 *
 * @example
 * try {
 *   loadSafetensors('model.safetensors');
 * } catch (err) {
 *   if (err instanceof FileFormatError) console.error(err.source, err.message);
 * }
 */
export class FileFormatError extends Error {
  /** The format that was being read: 'safetensors' or 'npy'. */
  readonly format: string;
  /** The path of the file, or '<buffer>' for in-memory data. */
  readonly source: string;

  constructor(format: string, source: string, problem: string) {
    super(`${source}: invalid ${format} file: ${problem}`);
    this.name = 'FileFormatError';
    this.format = format;
    this.source = source;
  }
}

/** Rejects the input being read: throws a `FileFormatError` naming the problem (never returns). */
export type Fail = (problem: string) => never;

/** A `Fail` for one source: its errors name the format and the source. */
export function failFor(format: string, source: string): Fail {
  return (problem: string): never => {
    throw new FileFormatError(format, source, problem);
  };
}

/**
 * panic(9): a kernel assertion failed. In NetBSD the machine stops; in the simulated kernel the
 * operation that caused it fails with the panic message, and the kernel rolls back to where the
 * operation started, so one broken module cannot take a validation run down with it.
 */
export class Panic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Panic';
  }
}

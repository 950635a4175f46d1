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

/**
 * A sleep nothing will ever end: an allocation that may wait (M_WAITOK, KM_SLEEP, PR_WAITOK) for
 * memory the kernel does not have. NetBSD's thread would hang in the allocator; the simulated
 * kernel fails the operation instead, saying where it would have slept.
 */
export class SleepForever extends Panic {
  constructor(message: string) {
    super(message);
    this.name = 'SleepForever';
  }
}
